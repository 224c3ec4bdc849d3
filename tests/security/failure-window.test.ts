/** The failure window behind the login throttles: it blocks past its allowance and remembers a bounded set of keys. */
import { describe, expect, it } from 'vitest';
import { FailureWindow } from '../../server/security/attempt-throttle.js';

const t0 = Date.parse('2026-12-02T09:00:00+08:00');

describe('FailureWindow', () => {
  it('blocks a key at its allowance within the window, and lets it go as failures age out', () => {
    const w = new FailureWindow(3, 60_000);
    for (const dt of [0, 10_000, 20_000]) w.add('10.0.0.9', t0 + dt);
    expect(w.blocked('10.0.0.9', t0 + 20_000)).toBe(true);
    expect(w.blocked('10.0.0.8', t0 + 20_000)).toBe(false);
    expect(w.retryAfterMs('10.0.0.9', t0 + 20_000)).toBe(40_000);
    expect(w.blocked('10.0.0.9', t0 + 60_000)).toBe(false);
  });

  it('forgets only aged-out keys while the bound holds the rest', () => {
    const w = new FailureWindow(2, 60_000, 100);
    w.add('blocked', t0);
    w.add('blocked', t0);
    for (let i = 0; i < 99; i++) w.add(`old-${i}`, t0 - 59_000);
    // Past the bound: the 99 keys from 59 s before have aged out by now, the blocked one has not.
    w.add('new', t0 + 2_000);
    expect(w.blocked('blocked', t0 + 2_000)).toBe(true);
    expect(w.size).toBe(2);
  });

  it('never holds more keys than its bound, even when a flood keeps them all within the window', () => {
    const w = new FailureWindow(20, 60_000, 1_000);
    let most = 0;
    for (let i = 0; i < 50_000; i++) {
      w.add(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, t0 + i);
      most = Math.max(most, w.size);
    }
    expect(most).toBeLessThanOrEqual(1_000);
    // The latest failures are the ones kept.
    for (let i = 0; i < 19; i++) w.add('10.0.195.79', t0 + 50_000);
    expect(w.blocked('10.0.195.79', t0 + 50_000)).toBe(true);
  });
});
