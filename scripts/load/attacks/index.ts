/** The attack set of the load run, by name, each with its default size (scaled by the run's --attack-scale). */
import type { Attack, AttackBudget } from './attack.js';
import { badStaffLogins } from './bad-staff-logins.js';
import { halfOpenHttp } from './half-open-http.js';
import { mqttBadLogins } from './mqtt-bad-logins.js';
import { mqttPublishWithoutConnect } from './mqtt-publish-without-connect.js';
import { statusFlood } from './status-flood.js';
import { upgradeUnknownPath } from './upgrade-unknown-path.js';
import { wsPongFlood } from './ws-pong-flood.js';

export const ATTACKS: Record<string, { run: Attack; budget: AttackBudget }> = {
  'upgrade-unknown-path': { run: upgradeUnknownPath, budget: { count: 300, holdMs: 15_000 } },
  'ws-pong-flood': { run: wsPongFlood, budget: { count: 30, holdMs: 10_000 } },
  'mqtt-publish-without-connect': { run: mqttPublishWithoutConnect, budget: { count: 20, holdMs: 10_000 } },
  'mqtt-bad-logins': { run: mqttBadLogins, budget: { count: 200, holdMs: 10_000 } },
  'half-open-http': { run: halfOpenHttp, budget: { count: 300, holdMs: 15_000 } },
  'status-flood': { run: statusFlood, budget: { count: 20_000, holdMs: 10_000 } },
  'bad-staff-logins': { run: badStaffLogins, budget: { count: 500, holdMs: 10_000 } },
};

export const ATTACK_NAMES = Object.keys(ATTACKS);

/** The budget scaled: counts at least 1, holds at least a second. */
export function scaled(budget: AttackBudget, scale: number): AttackBudget {
  return {
    count: Math.max(1, Math.round(budget.count * scale)),
    holdMs: Math.max(1000, Math.round(budget.holdMs * Math.min(1, scale * 2))),
  };
}
