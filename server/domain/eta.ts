/**
 * Estimated waits: people ahead in the ticket's service, divided among the counters that serve that service now,
 * times the running average of real service times (seeded from the hall file's avgServiceMinutes).
 */
import type { HallFile } from '../config/hall-schema.js';
import { indexOfWaiting } from './queue-index.js';
import type { HallState, Ticket } from './types.js';

/** Weight of the newest real service time in the running average. */
export const SERVICE_TIME_WEIGHT = 0.2;

/** Counters that can serve `serviceId`: the open or paused ones (a pause ends), or, when none is, all that list it. */
export function serversFor(hall: HallFile, state: HallState, serviceId: string): number {
  const listing = hall.counters.filter((c) => c.services.some((g) => g.includes(serviceId)));
  const staffed = listing.filter((c) => {
    const s = state.counters.get(c.id)?.status;
    return s === 'open' || s === 'paused';
  });
  return Math.max(1, staffed.length || listing.length);
}

export function avgServiceMs(hall: HallFile, state: HallState, serviceId: string): number {
  const seeded = (hall.services.find((s) => s.id === serviceId)?.avgServiceMinutes ?? 10) * 60_000;
  return state.avgServiceMs[serviceId] ?? seeded;
}

/** Minutes until someone `ahead` places back in `serviceId` is likely called. */
export function etaMinutes(hall: HallFile, state: HallState, serviceId: string, ahead: number): number {
  const ms = (ahead * avgServiceMs(hall, state, serviceId)) / serversFor(hall, state, serviceId);
  return Math.ceil(ms / 60_000);
}

/** Updates the running average with one real service time, clamped so one forgotten ticket can't skew it. */
export function nextAverage(previousMs: number, serviceMs: number): number {
  const clamped = Math.min(Math.max(serviceMs, previousMs / 4), previousMs * 4);
  return Math.round(previousMs * (1 - SERVICE_TIME_WEIGHT) + clamped * SERVICE_TIME_WEIGHT);
}

export interface QueuePosition {
  /** 1 = next to be called in its service. */
  position: number;
  ahead: number;
  etaMinutes: number;
}

/** Where a waiting ticket stands in its own service's queue; null once it is no longer waiting. */
export function positionOf(hall: HallFile, state: HallState, ticket: Ticket): QueuePosition | null {
  if (ticket.status !== 'waiting') return null;
  const ahead = indexOfWaiting(state.queues, ticket);
  return { position: ahead + 1, ahead, etaMinutes: etaMinutes(hall, state, ticket.serviceId, ahead) };
}

/** Waiting count and the wait a new ticket would face, per service. */
export function queueSummary(
  hall: HallFile,
  state: HallState,
): Record<string, { waiting: number; etaMinutes: number }> {
  const out: Record<string, { waiting: number; etaMinutes: number }> = {};
  for (const s of hall.services) out[s.id] = serviceQueueSummary(hall, state, s.id);
  return out;
}

/** One service's waiting count and the wait a new ticket would face. */
export function serviceQueueSummary(
  hall: HallFile,
  state: HallState,
  serviceId: string,
): { waiting: number; etaMinutes: number } {
  const waiting = state.queues.get(serviceId)?.length ?? 0;
  return { waiting, etaMinutes: etaMinutes(hall, state, serviceId, waiting) };
}
