/**
 * Property tests of the published queue rule: whatever the hall does, every call picks exactly the ticket a
 * straightforward reading of the rule picks, FIFO holds within a class, and no number is issued twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as counters from '../../server/domain/decide/counters.js';
import { issueTicket } from '../../server/domain/decide/tickets.js';
import { DomainError } from '../../server/domain/errors.js';
import type { HallState, Ticket } from '../../server/domain/types.js';
import { MANAGER, PureHall } from './harness.js';

const SERVICES = ['one-window', 'mortgage', 'enterprise', 'query'];
const COUNTERS = ['1', '3', '5', '6', '7', '12'];

type Step =
  | { kind: 'issue'; service: string; priority: 'normal' | 'priority' | 'green'; waitMin: number }
  | { kind: 'call'; counter: string; waitMin: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('issue' as const),
      service: fc.constantFrom(...SERVICES),
      priority: fc.constantFrom('normal' as const, 'normal' as const, 'priority' as const, 'green' as const),
      waitMin: fc.integer({ min: 0, max: 20 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      counter: fc.constantFrom(...COUNTERS),
      waitMin: fc.integer({ min: 0, max: 5 }),
    }),
  },
);

/** The rule as the contract words it, written independently of the server's comparator. */
function referenceQueueTime(t: Ticket, creditMin: number): number {
  if (t.priority === 'priority') return t.issuedAt - creditMin * 60_000;
  return t.issuedAt;
}

function referencePick(h: PureHall, state: HallState, counterId: string): Ticket | undefined {
  const groups = h.hall.counters.find((c) => c.id === counterId)!.services;
  const credit = h.hall.policy.priorityCreditMinutes;
  for (const group of groups) {
    const waiting = [...state.tickets.values()].filter((t) => t.status === 'waiting' && group.includes(t.serviceId));
    if (waiting.length === 0) continue;
    const green = waiting.filter((t) => t.priority === 'green');
    const pool = green.length ? green : waiting;
    // Issue order is the order tickets were created in: Map insertion order.
    const order = [...state.tickets.keys()];
    return pool.sort(
      (a, b) =>
        referenceQueueTime(a, credit) - referenceQueueTime(b, credit) || order.indexOf(a.id) - order.indexOf(b.id),
    )[0];
  }
  return undefined;
}

describe('the published queue rule (property)', () => {
  it('every call picks what the rule picks; numbers never repeat; FIFO within a class', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const h = new PureHall();
        for (const c of COUNTERS) h.run((ctx, s) => counters.open(ctx, s, c));
        const calledOrder: Ticket[] = [];
        for (const st of steps) {
          h.advance(st.waitMin);
          if (st.kind === 'issue') {
            h.run((ctx, s) =>
              issueTicket(ctx, s, {
                serviceId: st.service,
                priority: st.priority,
                priorityReason: st.priority === 'priority' ? 'disabled' : undefined,
              }),
            );
            continue;
          }
          // Free the counter first so every call is a real pick.
          const current = h.state.counters.get(st.counter)!.currentTicketId;
          if (current && h.state.tickets.get(current)!.status === 'called')
            h.run((ctx, s) => counters.start(ctx, s, st.counter));
          const expected = referencePick(h, h.state, st.counter);
          try {
            const d = h.run((ctx, s) => counters.callNext(ctx, s, st.counter), MANAGER);
            if (!d.ticketId) {
              expect(expected).toBeUndefined();
              continue;
            }
            expect(d.ticketId).toBe(expected?.id);
            calledOrder.push(h.state.tickets.get(d.ticketId)!);
          } catch (err) {
            if (!(err instanceof DomainError) || err.code !== 'QUEUE_EMPTY') throw err;
            expect(expected).toBeUndefined();
          }
        }
        const numbers = [...h.state.tickets.values()].map((t) => t.number);
        expect(new Set(numbers).size).toBe(numbers.length);
        for (const prefix of new Set(numbers.map((n) => n[0]))) {
          const seqs = numbers.filter((n) => n[0] === prefix).map((n) => Number(n.slice(1)));
          expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        }
        // FIFO within a class: two normal tickets of one service are called in issue order.
        for (const service of SERVICES) {
          const normals = calledOrder.filter((t) => t.serviceId === service && t.priority === 'normal');
          const issued = [...normals].sort((a, b) => a.key.ordinal - b.key.ordinal);
          expect(normals.map((t) => t.id)).toEqual(issued.map((t) => t.id));
        }
        // Nobody waiting was overtaken by a later normal ticket of the same service.
        for (const t of calledOrder) {
          const skipped = [...h.state.tickets.values()].filter(
            (w) =>
              w.status === 'waiting' &&
              w.serviceId === t.serviceId &&
              w.priority === 'normal' &&
              t.priority === 'normal' &&
              w.key.ordinal < t.key.ordinal,
          );
          expect(skipped).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
