/**
 * When the queue was frozen (a fire evacuation): the intervals, kept by apply() from the playbooks' start and end
 * times, so the hall's own timers — a no-show's reinstatement grace, an appointment's late window — stop while the
 * queue is frozen and resume with the time they had left. Derived from the log alone: replay gives the same answers.
 */
import type { HallState } from './types.js';

export interface QueueFreeze {
  from: number;
  /** Missing while the queue is still frozen. */
  to?: number;
}

/** Enough for any real day (each is one evacuation); the oldest go first. */
export const FREEZES_KEPT = 50;

/** Records a change of the frozen flag at `at` (a no-op when it did not change). For apply() only. */
export function noteFreeze(state: HallState, wasFrozen: boolean, isFrozen: boolean, at: number): void {
  if (wasFrozen === isFrozen) return;
  const freezes = (state.queueFreezes ??= []);
  if (isFrozen) {
    freezes.push({ from: at });
    if (freezes.length > FREEZES_KEPT) freezes.splice(0, freezes.length - FREEZES_KEPT);
  } else {
    const open = freezes[freezes.length - 1];
    if (open && open.to === undefined) open.to = Math.max(open.from, at);
  }
}

/** At a new hall day only a freeze still running matters (yesterday's tickets are gone). For apply() only. */
export function keepRunningFreeze(state: HallState): void {
  if (state.queueFreezes) state.queueFreezes = state.queueFreezes.filter((f) => f.to === undefined);
}

/** How much of [from, to] the queue spent frozen, in ms. */
export function frozenMsBetween(state: Pick<HallState, 'queueFreezes'>, from: number, to: number): number {
  let ms = 0;
  for (const f of state.queueFreezes ?? []) {
    const end = Math.min(to, f.to ?? to);
    const start = Math.max(from, f.from);
    if (end > start) ms += end - start;
  }
  return ms;
}

/** Time since `since` that counts for the hall's timers: the wall-clock time minus the time frozen. */
export function unfrozenMsSince(state: Pick<HallState, 'queueFreezes'>, since: number, now: number): number {
  return now - since - frozenMsBetween(state, since, now);
}
