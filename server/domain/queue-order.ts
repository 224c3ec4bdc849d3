/**
 * The published queue rule. Green first; then earliest queue time (issue time, minus the priority credit, or the
 * appointment's slot); ties by issue order; a counter serves the first non-empty group of its services.
 */
import type { HallFile } from '../config/hall-schema.js';
import type { HallState, Priority, QueueKey, Ticket } from './types.js';

/**
 * The issue instant the queue rule uses for a ticket issued at wall-clock `now`: never before the last one issued, so
 * the order survives the clock being stepped back (then tickets share that instant and go by issue order).
 */
export function queueInstant(state: HallState, now: number): number {
  return Math.max(now, state.issueClock ?? 0);
}

/** Negative when `a` is served before `b`. */
export function compareKeys(a: QueueKey, b: QueueKey): number {
  return a.rank - b.rank || a.time - b.time || a.ordinal - b.ordinal || a.bump - b.bump;
}

/** The serving order; tickets with equal keys (two no-shows reinstated behind the same ticket) go by issue order. */
export function compareTickets(a: Ticket, b: Ticket): number {
  return compareKeys(a.key, b.key) || a.seq - b.seq;
}

/** The queue key of a new ticket under the published rule. */
export function queueKeyFor(
  priority: Priority,
  issuedAt: number,
  ordinal: number,
  policy: HallFile['policy'],
  appointmentSlotStart?: number,
): QueueKey {
  switch (priority) {
    case 'green':
      return { rank: 0, time: issuedAt, ordinal, bump: 0 };
    case 'priority':
      return { rank: 1, time: issuedAt - policy.priorityCreditMinutes * 60_000, ordinal, bump: 0 };
    case 'appointment':
      return { rank: 1, time: Math.min(appointmentSlotStart ?? issuedAt, issuedAt), ordinal, bump: 0 };
    default:
      return { rank: 1, time: issuedAt, ordinal, bump: 0 };
  }
}

/** Waiting tickets of the given services, in the order they will be served. */
export function waitingInOrder(state: HallState, serviceIds: Iterable<string>): Ticket[] {
  const lists = [...new Set(serviceIds)].map((id) => state.queues.get(id) ?? []);
  if (lists.length === 1) return [...lists[0]];
  return lists.flat().sort(compareTickets);
}

/** The ticket a counter serving these groups calls next, or undefined when all its queues are empty. */
export function nextForGroups(state: HallState, groups: string[][]): Ticket | undefined {
  for (const group of groups) {
    let best: Ticket | undefined;
    for (const serviceId of group) {
      const first = state.queues.get(serviceId)?.[0];
      if (first && (!best || compareTickets(first, best) < 0)) best = first;
    }
    if (best) return best;
  }
  return undefined;
}

/**
 * The key that puts a reinstated no-show behind the first `places` tickets now waiting in its service (behind all
 * of them when fewer wait). A penalty never moves a ticket forward of where it already stood.
 */
export function penaltyKey(state: HallState, ticket: Ticket, places: number): QueueKey {
  // Green tickets go first anyway; the places of the penalty are counted among the ticket's own class or later.
  const ahead = waitingInOrder(state, [ticket.serviceId]).filter(
    (t) => t.id !== ticket.id && t.key.rank >= ticket.key.rank,
  );
  if (places <= 0 || ahead.length === 0) return ticket.key;
  const behind = ahead[Math.min(places, ahead.length) - 1];
  const pushed: QueueKey = {
    rank: behind.key.rank,
    time: behind.key.time,
    ordinal: behind.key.ordinal,
    bump: behind.key.bump + 1,
  };
  return compareKeys(pushed, ticket.key) > 0 ? pushed : ticket.key;
}
