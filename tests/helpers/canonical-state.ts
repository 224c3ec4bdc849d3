/** A canonical JSON of what the hall holds (live state, staff, devices), to tell whether a refusal changed anything. */
import type { HallService } from '../../server/core/hall-service.js';
import type { Accounts } from '../../server/store/accounts.js';

/** JSON with Maps as sorted entry lists, Sets as sorted lists and object keys sorted, so equal content is equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v instanceof Map) return [...v.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)));
    if (v instanceof Set) return [...v].sort();
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, v[k]]),
      );
    return v;
  });
}

/**
 * The hall's state as canonical JSON: the live state (without its derived indexes), the staff list, and the devices
 * without their online flag and last-seen time (which a device's own connection moves, not a request).
 */
export function hallStateJson(hall: HallService, accounts?: Accounts): string {
  const { queues: _q, byIdentity: _b, ...state } = hall.state;
  const devices = accounts?.listDevices().map(({ online: _o, lastSeen: _l, ...d }) => d);
  return canonicalJson({ state, staff: accounts?.listUsers(), devices });
}
