/**
 * Arrivals against service capacity (a surge metric): tickets issued in the last 15 minutes, divided by how many
 * people the open counters can serve in 15 minutes at their learned service times. Above 1 the queue grows.
 */
import type { HallFile } from '../config/hall-schema.js';
import { avgServiceMs } from './eta.js';
import type { HallState } from './types.js';

export const ARRIVAL_WINDOW_MS = 15 * 60_000;

export interface ArrivalPressure {
  /** Tickets issued in the window (walk-ins and appointment check-ins alike). */
  arrivals: number;
  /** People the open counters can serve in the window. */
  capacity: number;
  /** arrivals / capacity; with no counter open, as if one person could be served (the arrivals themselves). */
  ratio: number;
}

/** Tickets issued in (now − window, now], per service. */
function arrivalsByService(state: HallState, now: number): Map<string, number> {
  const from = now - ARRIVAL_WINDOW_MS;
  const out = new Map<string, number>();
  for (const t of state.tickets.values())
    if (t.issuedAt > from && t.issuedAt <= now) out.set(t.serviceId, (out.get(t.serviceId) ?? 0) + 1);
  return out;
}

/**
 * A counter's mean service time for the people arriving now: the learned times of the services it serves, weighted by
 * how many of each arrived (unweighted when none of its services had arrivals).
 */
function counterServiceMs(hall: HallFile, state: HallState, services: string[], arrivals: Map<string, number>): number {
  let weight = 0;
  let sum = 0;
  for (const id of services) {
    const w = arrivals.get(id) ?? 0;
    weight += w;
    sum += w * avgServiceMs(hall, state, id);
  }
  if (weight > 0) return sum / weight;
  return services.reduce((ms, id) => ms + avgServiceMs(hall, state, id), 0) / services.length;
}

export function arrivalPressure(hall: HallFile, state: HallState, now: number): ArrivalPressure {
  const byService = arrivalsByService(state, now);
  let arrivals = 0;
  for (const n of byService.values()) arrivals += n;
  let capacity = 0;
  for (const def of hall.counters) {
    if (state.counters.get(def.id)?.status !== 'open') continue;
    capacity += ARRIVAL_WINDOW_MS / counterServiceMs(hall, state, def.services.flat(), byService);
  }
  return { arrivals, capacity, ratio: arrivals / (capacity > 0 ? capacity : 1) };
}
