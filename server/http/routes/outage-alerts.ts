/**
 * The manager's alerts about outside systems: each one down and for how long, and the tickets accepted pending the
 * registration system (待系统恢复补录) — a reminder while it is down, and the call to record them once it is back.
 */
import type { Alert } from '../../../protocol/alerts.js';
import type { ApiDeps } from '../deps.js';

export function outageAlerts(deps: ApiDeps): Alert[] {
  const outages = deps.outages?.() ?? [];
  const out = outages.map((o): Alert => ({
    kind: 'integration.down',
    severity: o.system === 'sms' ? 'warning' : 'critical',
    message: `${o.system} has not answered for ${o.minutes} min`,
    since: new Date(o.since).toISOString(),
  }));
  const pending = Object.values(deps.hall.state.pendingSystem ?? {});
  if (pending.length > 0) {
    const registrationDown = outages.some((o) => o.system === 'registration');
    const oldest = Math.min(...pending.map((p) => p.at));
    out.push({
      kind: 'catch-up.pending',
      severity: registrationDown ? 'warning' : 'critical',
      message: registrationDown
        ? `${pending.length} accepted pending the registration system; record them once it is back`
        : `the registration system answers: record the ${pending.length} accepted pending it (GET /catch-up)`,
      since: new Date(oldest).toISOString(),
    });
  }
  return out;
}
