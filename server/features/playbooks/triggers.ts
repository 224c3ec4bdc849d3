/**
 * Automatic playbook triggers from the hall file, as pure functions: a device event (`{device, event, when,
 * release?}`), a metric with a threshold, a release threshold (hysteresis) and a duration, and an integration's
 * health (`{integration, downForMinutes}`). Each says whether its condition now holds, is released, or neither.
 */
import type { HallFile, PlaybookDef, TriggerDef } from '../../config/hall-schema.js';
import { arrivalPressure } from '../../domain/arrival-pressure.js';
import { unfrozenMsSince } from '../../domain/queue-freezes.js';
import type { HallState } from '../../domain/types.js';

type Condition = Record<string, unknown> | undefined;
export type TriggerMode = 'act' | 'propose';

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
  /** true: the condition holds (start); false: released (end what a trigger started); a trigger may say neither. */
  holds: boolean;
  mode: TriggerMode;
}

type DeviceTrigger = Extract<TriggerDef, { device: string }>;
type MetricTrigger = Extract<TriggerDef, { metric: string }>;
type IntegrationTrigger = Extract<TriggerDef, { integration: string }>;

/** Device kinds made to raise alarms: `*` in a trigger means any of these (never a kiosk or an LED board). */
const ALARM_KINDS = new Set(['button', 'sensor']);

/** A trigger's device: an id, or `*` for any button or sensor (the emergency buttons at every counter). */
function deviceMatches(t: DeviceTrigger, device: { id: string; kind: string }): boolean {
  return t.device === '*' ? ALARM_KINDS.has(device.kind) : t.device === device.id;
}

/**
 * For each playbook with a trigger on this device and event: does the event start it, release it, or neither?
 * Without `when`, an alarm holds unless `active` (or `onBattery`) is false. With `release`, the playbook ends only once
 * the release condition holds (hysteresis: 150 people start it, it ends below 120); between the two, nothing changes.
 */
export function deviceTriggerVerdicts(
  playbooks: PlaybookDef[],
  device: { id: string; kind: string },
  event: string,
  payload: Record<string, unknown>,
): TriggerVerdict[] {
  const out: TriggerVerdict[] = [];
  for (const p of playbooks) {
    for (const raw of p.triggers) {
      if (!('device' in raw)) continue;
      const t: DeviceTrigger = raw;
      if (!deviceMatches(t, device) || t.event !== event) continue;
      const holds = t.when ? conditionHolds(t.when, payload) : payload.active !== false && payload.onBattery !== false;
      if (holds) out.push({ playbookId: p.id, holds: true, mode: t.mode });
      else if (!t.release || conditionHolds(t.release, payload)) {
        // A momentary event (a button press) that does not match says nothing about the playbook.
        if (t.when || 'active' in payload || 'onBattery' in payload)
          out.push({ playbookId: p.id, holds: false, mode: t.mode });
      }
    }
  }
  return out;
}

/** The hall's metrics that triggers watch. */
export interface HallMetrics {
  waiting: number;
  /** The oldest waiting ticket's wait, not counting time the queue was frozen (an evacuation is no backlog). */
  longestWaitMinutes: number;
  waitingPerOpenCounter: number;
  /** Tickets issued in the last 15 min over what the open counters serve in 15 min (domain/arrival-pressure.ts). */
  arrivalsPer15MinOverCapacity: number;
}

/** The metrics; the arrival pressure (a pass over today's tickets) only when a trigger watches it. */
export function hallMetrics(hall: HallFile, state: HallState, now: number, withArrivals = true): HallMetrics {
  let waiting = 0;
  let oldest = Infinity;
  for (const list of state.queues.values()) {
    waiting += list.length;
    for (const t of list) if (t.issuedAt < oldest) oldest = t.issuedAt;
  }
  let open = 0;
  for (const c of state.counters.values()) if (c.status === 'open') open++;
  return {
    waiting,
    // The oldest ticket has the longest unfrozen wait too: every ticket shares the same freezes.
    longestWaitMinutes: oldest === Infinity ? 0 : Math.max(0, unfrozenMsSince(state, oldest, now) / 60_000),
    waitingPerOpenCounter: waiting / Math.max(1, open),
    arrivalsPer15MinOverCapacity: withArrivals ? arrivalPressure(hall, state, now).ratio : 0,
  };
}

/**
 * One metric trigger's state machine: it fires once the value has stayed above `above` for `forSeconds`, and releases
 * once it has stayed at or below `releaseBelow` (default `above`) for `forSeconds`. Between the two thresholds nothing
 * changes, so a value wobbling on the threshold does not flap.
 */
export class MetricHysteresis {
  private on = false;
  private since?: number;

  constructor(private readonly t: MetricTrigger) {}

  get isOn(): boolean {
    return this.on;
  }

  /** Fired already (a restart with the playbook it started still on): from now on it waits for the release. */
  resumeOn(): void {
    this.on = true;
    this.since = undefined;
  }

  /** 'fire' or 'release' when the trigger changes now, else undefined. */
  step(value: number, now: number): 'fire' | 'release' | undefined {
    const release = this.t.releaseBelow ?? this.t.above;
    const pushing = this.on ? value <= release : value > this.t.above;
    if (!pushing) {
      this.since = undefined;
      return undefined;
    }
    this.since ??= now;
    if (now - this.since < this.t.forSeconds * 1000) return undefined;
    this.on = !this.on;
    this.since = undefined;
    return this.on ? 'fire' : 'release';
  }
}

export interface MetricWatch {
  playbookId: string;
  trigger: MetricTrigger;
  machine: MetricHysteresis;
}

export function metricWatches(playbooks: PlaybookDef[]): MetricWatch[] {
  const out: MetricWatch[] = [];
  for (const p of playbooks)
    for (const t of p.triggers)
      if ('metric' in t) out.push({ playbookId: p.id, trigger: t, machine: new MetricHysteresis(t) });
  return out;
}

/** The latest health an adapter reported. */
export interface Health {
  ok: boolean;
  since: number;
}

/** For each playbook with a trigger on this system: down long enough (holds), back up (released), or not yet. */
export function integrationTriggerVerdicts(
  playbooks: PlaybookDef[],
  system: string,
  health: Health,
  now: number,
): TriggerVerdict[] {
  const out: TriggerVerdict[] = [];
  for (const p of playbooks)
    for (const raw of p.triggers) {
      if (!('integration' in raw) || raw.integration !== system) continue;
      const t: IntegrationTrigger = raw;
      if (health.ok) out.push({ playbookId: p.id, holds: false, mode: t.mode });
      else if (now - health.since >= t.downForMinutes * 60_000)
        out.push({ playbookId: p.id, holds: true, mode: t.mode });
    }
  return out;
}
