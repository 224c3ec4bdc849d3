/**
 * Each service's waiting tickets, kept sorted by the queue rule as events are applied, so that calling, positions
 * and waiting counts cost a binary search instead of a sort of the whole hall. Derived from `tickets`: never stored.
 */
import { compareTickets } from './queue-order.js';
import type { Ticket } from './types.js';

export type QueueIndex = Map<string, Ticket[]>;

/** First index in `list` whose ticket is not served before `t`. */
function lowerBound(list: Ticket[], t: Ticket): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareTickets(list[mid], t) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function addWaiting(index: QueueIndex, t: Ticket): void {
  let list = index.get(t.serviceId);
  if (!list) index.set(t.serviceId, (list = []));
  list.splice(lowerBound(list, t), 0, t);
}

/** Removes `t` from its service's queue; call before its key or service changes. */
export function removeWaiting(index: QueueIndex, t: Ticket): void {
  const list = index.get(t.serviceId);
  if (!list) return;
  let i = lowerBound(list, t);
  while (i < list.length && list[i].id !== t.id) i++;
  // Calls take the head: shift() can move the array's start instead of every element after it (splice(0, 1) moved
  // them all, with a write barrier each in an old, large heap: ~20 µs a call-next with thousands waiting).
  if (i === 0) list.shift();
  else if (i < list.length) list.splice(i, 1);
}

/** Where `t` stands in its service's queue (0 = next), or -1 when it is not waiting. */
export function indexOfWaiting(index: QueueIndex, t: Ticket): number {
  const list = index.get(t.serviceId) ?? [];
  let i = lowerBound(list, t);
  while (i < list.length && list[i].id !== t.id) i++;
  return i < list.length ? i : -1;
}

/** Today's tickets grouped by identity hash (tickets without one are left out). */
export function buildIdentityIndex(tickets: Iterable<Ticket>): Map<string, Ticket[]> {
  const index = new Map<string, Ticket[]>();
  for (const t of tickets) if (t.identity) addByIdentity(index, t);
  return index;
}

export function addByIdentity(index: Map<string, Ticket[]>, t: Ticket): void {
  if (!t.identity) return;
  const list = index.get(t.identity);
  if (list) list.push(t);
  else index.set(t.identity, [t]);
}

export function buildIndex(tickets: Iterable<Ticket>): QueueIndex {
  const index: QueueIndex = new Map();
  for (const t of tickets)
    if (t.status === 'waiting') (index.get(t.serviceId) ?? index.set(t.serviceId, []).get(t.serviceId)!).push(t);
  for (const list of index.values()) list.sort(compareTickets);
  return index;
}
