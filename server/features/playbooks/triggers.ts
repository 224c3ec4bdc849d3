/**
 * Automatic playbook triggers from the hall file: a device event (`{device, event, when}`) or a metric
 * (`{metric: 'waiting', above}`). A playbook a trigger started ends when its condition clears; one a manager
 * started is never ended by a device.
 */
import type { HallFile, PlaybookDef } from '../../config/hall-schema.js';
import { playbookEffects } from '../../domain/decide/emergency.js';
import type { IssuingMode } from '../../domain/types.js';

type Condition = Record<string, unknown> | undefined;

/** Whether a device event payload meets a trigger's `when` (equal values, or `{above}` / `{below}` bounds). */
export function conditionHolds(when: Condition, payload: Record<string, unknown>): boolean {
  if (!when) return true;
  return Object.entries(when).every(([key, expected]) => {
    const actual = payload[key];
    if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
      const bounds = expected as { above?: number; below?: number };
      if (typeof actual !== 'number') return false;
      if (bounds.above !== undefined && !(actual > bounds.above)) return false;
      if (bounds.below !== undefined && !(actual < bounds.below)) return false;
      return true;
    }
    return actual === expected;
  });
}

export interface TriggerVerdict {
  playbookId: string;
  holds: boolean;
}

/** For each playbook with a trigger on this device and event: does the event start (or keep) it? */
export function deviceTriggerVerdicts(
  playbooks: PlaybookDef[],
  deviceId: string,
  event: string,
  payload: Record<string, unknown>,
): TriggerVerdict[] {
  const out: TriggerVerdict[] = [];
  for (const p of playbooks) {
    for (const t of p.triggers) {
      if (!('device' in t) || t.device !== deviceId || t.event !== event) continue;
      // An alarm without a `when` holds while `active` is not false.
      const holds = t.when ? conditionHolds(t.when, payload) : payload.active !== false && payload.onBattery !== false;
      out.push({ playbookId: p.id, holds });
    }
  }
  return out;
}

export function metricTriggerVerdicts(playbooks: PlaybookDef[], metrics: { waiting: number }): TriggerVerdict[] {
  const out: TriggerVerdict[] = [];
  for (const p of playbooks)
    for (const t of p.triggers) if ('metric' in t) out.push({ playbookId: p.id, holds: metrics[t.metric] > t.above });
  return out;
}

/** How much a mode restricts issuing: paused > appointments-only > normal. */
export function issuingStrictness(mode: IssuingMode): number {
  return mode === 'paused' ? 2 : mode === 'appointments-only' ? 1 : 0;
}

/** The issuing mode a playbook sets. */
export function playbookIssuing(hall: HallFile, playbookId: string): IssuingMode {
  const playbook = hall.playbooks.find((p) => p.id === playbookId);
  return playbook ? playbookEffects(playbook).issuing : 'normal';
}
