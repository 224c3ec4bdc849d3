/** The waiting index stays the sorted list of exactly the tickets added and not removed, whichever end they leave. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWaiting, indexOfWaiting, removeWaiting, type QueueIndex } from '../../server/domain/queue-index.js';
import { compareTickets } from '../../server/domain/queue-order.js';
import type { Ticket } from '../../server/domain/types.js';

const ticketOf = (seq: number, rank: number, time: number): Ticket =>
  ({ id: `T${seq}`, serviceId: 's', seq, key: { rank, time, ordinal: seq, bump: 0 } }) as unknown as Ticket;

describe('queue index', () => {
  it('adds in order and removes the head, the tail or the middle, like a sorted reference list', () => {
    const step = fc.oneof(
      fc.record({
        add: fc.constant(true),
        rank: fc.integer({ min: 0, max: 1 }),
        time: fc.integer({ min: 0, max: 20 }),
      }),
      // Removal at a position given as a fraction of the queue: 0 is the head (a call), most often.
      fc.record({ add: fc.constant(false), at: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const index: QueueIndex = new Map();
        let reference: Ticket[] = [];
        let seq = 0;
        for (const s of steps) {
          if (s.add) {
            const t = ticketOf(++seq, s.rank, s.time);
            addWaiting(index, t);
            reference = [...reference, t].sort(compareTickets);
          } else if (reference.length > 0) {
            const t = reference[Math.min(reference.length - 1, Math.floor(s.at * reference.length))];
            removeWaiting(index, t);
            reference = reference.filter((r) => r !== t);
            expect(indexOfWaiting(index, t)).toBe(-1);
          }
          expect((index.get('s') ?? []).map((t) => t.id)).toEqual(reference.map((t) => t.id));
        }
      }),
      { numRuns: 300 },
    );
  });
});
