/**
 * The quiet heap trim: one full collection once the hall has gone quiet after writing, when V8 holds much more heap
 * than it uses; never while commands are being written, once per quiet spell, nothing where `gc` is not exposed.
 */
import { describe, expect, it } from 'vitest';
import { QuietHeapTrim } from '../../server/jobs/heap-trim.js';

const MB = 1024 * 1024;

function trimWith(opts: { quietMs: number; total: number; used: number }) {
  const state = { ...opts, seq: 100, collections: 0 };
  const trim = new QuietHeapTrim(
    {
      checkpointDue: () => ({ events: 0, quietMs: state.quietMs }),
      log: {
        get head() {
          return { seq: state.seq, hash: '' };
        },
      } as never,
    },
    {
      collect: () => {
        state.collections++;
        state.total = state.used + 9 * MB; // the old generation's slack goes; the grown young generation stays
      },
      heap: () => ({ total: state.total, used: state.used }),
    },
  );
  trim.start();
  trim.stop(); // the timer is not needed: check() is called by hand
  return { trim, state };
}

describe('QuietHeapTrim', () => {
  it('collects once the hall has gone quiet after a burst, then not again in the same quiet spell', () => {
    const { trim, state } = trimWith({ quietMs: 0, total: 45 * MB, used: 28 * MB });
    expect(trim.check()).toBe(false); // commands still being written
    state.quietMs = 12_000;
    expect(trim.check()).toBe(true);
    expect(state.collections).toBe(1);
    state.quietMs = 30_000;
    expect(trim.check()).toBe(false); // still the same quiet spell: nothing was written since
    expect(state.collections).toBe(1);
  });

  it('collects again after new writes and a new quiet spell, if the slack is back', () => {
    const { trim, state } = trimWith({ quietMs: 12_000, total: 45 * MB, used: 28 * MB });
    expect(trim.check()).toBe(true);
    state.seq = 180; // another burst
    state.quietMs = 0;
    state.total = 50 * MB;
    expect(trim.check()).toBe(false);
    state.quietMs = 11_000;
    expect(trim.check()).toBe(true);
    expect(state.collections).toBe(2);
  });

  it('leaves a hall with little slack alone: a ticket now and then costs no collection', () => {
    const { trim, state } = trimWith({ quietMs: 12_000, total: 30 * MB, used: 25 * MB });
    expect(trim.check()).toBe(false);
    state.seq = 101;
    expect(trim.check()).toBe(false);
    expect(state.collections).toBe(0);
  });

  it.skipIf(typeof (globalThis as { gc?: unknown }).gc === 'function')(
    'does nothing where the collector is not exposed',
    () => {
      const trim = new QuietHeapTrim(
        { checkpointDue: () => ({ events: 0, quietMs: 60_000 }), log: { head: { seq: 5, hash: '' } } as never },
        { heap: () => ({ total: 90 * MB, used: 20 * MB }) },
      );
      trim.start();
      expect(trim.check()).toBe(false);
      trim.stop();
    },
  );
});
