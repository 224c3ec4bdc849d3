/**
 * The quiet heap trim: one full collection when the hall has been quiet and V8 holds more heap than after the last
 * one; never while commands are being written, never again without new growth, nothing where `gc` is not exposed.
 */
import { describe, expect, it } from 'vitest';
import { QuietHeapTrim } from '../../server/jobs/heap-trim.js';

const MB = 1024 * 1024;

function trimWith(opts: { quietMs: number; heap: number }) {
  const state = { ...opts, collections: 0 };
  const trim = new QuietHeapTrim(
    { checkpointDue: () => ({ events: 0, quietMs: state.quietMs }) },
    {
      collect: () => {
        state.collections++;
        state.heap = 30 * MB; // what the collection gave back
      },
      heapBytes: () => state.heap,
    },
  );
  trim.start();
  trim.stop(); // the timer is not needed: check() is called by hand
  return { trim, state };
}

describe('QuietHeapTrim', () => {
  it('collects once the hall is quiet and the heap grew, then not again until it grows anew', () => {
    const { trim, state } = trimWith({ quietMs: 0, heap: 30 * MB });
    state.heap = 45 * MB; // a burst
    expect(trim.check()).toBe(false); // commands still being written
    state.quietMs = 12_000;
    expect(trim.check()).toBe(true);
    expect(state.collections).toBe(1);
    expect(trim.check()).toBe(false); // quiet still, but nothing new to give back
    state.heap = 33 * MB;
    expect(trim.check()).toBe(false); // less than 4 MB of growth
    state.heap = 36 * MB;
    expect(trim.check()).toBe(true);
    expect(state.collections).toBe(2);
  });

  it('counts growth from the smallest heap seen, so V8 shrinking it on its own does not hide a new burst', () => {
    const { trim, state } = trimWith({ quietMs: 0, heap: 40 * MB });
    state.heap = 28 * MB; // V8 collected by itself
    expect(trim.check()).toBe(false);
    state.heap = 34 * MB;
    state.quietMs = 12_000;
    expect(trim.check()).toBe(true);
  });

  it.skipIf(typeof (globalThis as { gc?: unknown }).gc === 'function')(
    'does nothing where the collector is not exposed',
    () => {
      let heap = 30 * MB;
      const trim = new QuietHeapTrim(
        { checkpointDue: () => ({ events: 0, quietMs: 60_000 }) },
        { heapBytes: () => (heap += 10 * MB) },
      );
      trim.start();
      expect(trim.check()).toBe(false);
      trim.stop();
    },
  );
});
