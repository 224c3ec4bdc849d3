/**
 * What a restore takes on trust from a copy besides its audit chain: the accounts. The chain verifies, but the users,
 * devices and tokens tables beside it are not in it: anyone holding the USB disk (no secret needed) could add a manager
 * or a token that a restore would install. Every account is made and changed through the audit log (`staff.created`,
 * `staff.disabled`/`enabled`, `device.registered`/`removed`), so the log says which may be there: the rest are put out
 * of use, every staff session ends (staff log in again; a token row is a hash the log cannot vouch for), and a device
 * token whose role is not its device kind's is deleted (the server reads a device's role from its kind anyway).
 */
import type { DeviceKind } from '../../protocol/codes.js';
import { deviceTokenRole } from './accounts.js';
import type { Db } from './db.js';

export interface AccountsSettled {
  /** Users the log does not account for (not created through the hall, or enabled after it disabled them): disabled. */
  disabledUsers: string[];
  /** Devices the log does not account for: removed, with their tokens. */
  removedDevices: string[];
  /** Staff sessions ended. */
  sessionsEnded: number;
  /** Device tokens whose role is not their device's kind's (written into the copy): deleted. */
  deviceTokensDropped: number;
}

interface AuditedUser {
  username: string;
  role: string;
  disabled: boolean;
}

/** Settles the restored database's accounts against its own audit log; call inside a transaction. */
export function settleAccounts(db: Db): AccountsSettled {
  const users = new Map<string, AuditedUser>();
  /** Each device the log registered and did not remove: its kind and where it was placed (never changed after). */
  const devices = new Map<string, string>();
  const entries = db
    .prepare(
      `SELECT type, data FROM events WHERE type IN
         ('staff.created', 'staff.disabled', 'staff.enabled', 'device.registered', 'device.removed') ORDER BY seq`,
    )
    .iterate() as Iterable<{ type: string; data: string }>;
  for (const { type, data } of entries) {
    const d = JSON.parse(data) as Record<string, string>;
    if (type === 'staff.created') users.set(d.userId, { username: d.username, role: d.role, disabled: false });
    else if (type === 'staff.disabled' || type === 'staff.enabled') {
      const u = users.get(d.userId);
      if (u) u.disabled = type === 'staff.disabled';
    } else if (type === 'device.registered') devices.set(d.deviceId, placement(d.kind, d.counterId, d.kioskId));
    else devices.delete(d.deviceId);
  }

  const disabledUsers: string[] = [];
  const rows = db.prepare('SELECT id, username, role, disabled FROM users').all() as Array<{
    id: string;
    username: string;
    role: string;
    disabled: number;
  }>;
  for (const row of rows) {
    if (row.disabled === 1) continue;
    const audited = users.get(row.id);
    const accounted = audited && !audited.disabled && audited.username === row.username && audited.role === row.role;
    if (accounted) continue;
    db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(row.id);
    disabledUsers.push(row.username);
  }

  const removedDevices: string[] = [];
  const deviceRows = db.prepare('SELECT id, kind, counter_id, kiosk_id FROM devices').all() as Array<{
    id: string;
    kind: string;
    counter_id: string | null;
    kiosk_id: string | null;
  }>;
  for (const row of deviceRows) {
    if (devices.get(row.id) === placement(row.kind, row.counter_id, row.kiosk_id)) continue;
    db.prepare("DELETE FROM tokens WHERE subject_kind = 'device' AND subject_id = ?").run(row.id);
    db.prepare('DELETE FROM device_commands WHERE device_id = ?').run(row.id);
    db.prepare('DELETE FROM devices WHERE id = ?').run(row.id);
    removedDevices.push(row.id);
  }

  let deviceTokensDropped = 0;
  const tokens = db
    .prepare(
      "SELECT t.hash, t.role, d.kind FROM tokens t JOIN devices d ON d.id = t.subject_id WHERE t.subject_kind = 'device'",
    )
    .all() as Array<{ hash: string; role: string; kind: DeviceKind }>;
  for (const t of tokens)
    if (t.role !== deviceTokenRole(t.kind))
      deviceTokensDropped += db.prepare('DELETE FROM tokens WHERE hash = ?').run(t.hash).changes;

  const sessionsEnded = db.prepare("DELETE FROM tokens WHERE subject_kind = 'user'").run().changes;
  return { disabledUsers, removedDevices, sessionsEnded, deviceTokensDropped };
}

/** A device's kind and place as one comparable string (a pad moved to another counter is another device). */
function placement(kind: string, counterId?: string | null, kioskId?: string | null): string {
  return JSON.stringify([kind, counterId ?? null, kioskId ?? null]);
}
