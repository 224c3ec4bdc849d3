import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDebouncer } from '../../firmware-bridge/gpio/debounce.js';

describe('createDebouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports one change after a bouncing edge settles for the full period', () => {
    const seen: Array<[number, number | undefined]> = [];
    const d = createDebouncer({ ms: 50, initial: 0, onStable: (v, prev) => seen.push([v, prev]) });
    for (const v of [1, 0, 1, 0, 1] as const) {
      d.push(v);
      vi.advanceTimersByTime(5);
    }
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(44); // 49 ms after the last edge
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([[1, 0]]);
    expect(d.stable).toBe(1);
  });

  it('ignores a glitch shorter than the period', () => {
    const onStable = vi.fn();
    const d = createDebouncer({ ms: 50, initial: 0, onStable });
    d.push(1);
    vi.advanceTimersByTime(20);
    d.push(0);
    vi.advanceTimersByTime(200);
    expect(onStable).not.toHaveBeenCalled();
    expect(d.stable).toBe(0);
  });

  it('reports press and release as two changes', () => {
    const seen: number[] = [];
    const d = createDebouncer({ ms: 30, initial: 0, onStable: (v) => seen.push(v) });
    d.push(1);
    vi.advanceTimersByTime(100);
    d.push(0);
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([1, 0]);
  });

  it('reports the first level when it starts unknown', () => {
    const seen: Array<[number, number | undefined]> = [];
    const d = createDebouncer({ ms: 10, onStable: (v, prev) => seen.push([v, prev]) });
    expect(d.stable).toBeUndefined();
    d.push(0);
    vi.advanceTimersByTime(10);
    expect(seen).toEqual([[0, undefined]]);
  });

  it('with ms 0 reports at once', () => {
    const onStable = vi.fn();
    const d = createDebouncer({ ms: 0, initial: 0, onStable });
    d.push(1);
    expect(onStable).toHaveBeenCalledWith(1, 0);
  });

  it('dispose cancels a pending change', () => {
    const onStable = vi.fn();
    const d = createDebouncer({ ms: 50, initial: 0, onStable });
    d.push(1);
    d.dispose();
    vi.advanceTimersByTime(100);
    expect(onStable).not.toHaveBeenCalled();
  });
});
