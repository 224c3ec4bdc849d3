/** Ids and codes from the pooled random source: right shape, no repeats across pool refills, digits without bias. */
import { describe, expect, it } from 'vitest';
import { digits, randomHex, randomId } from '../../server/security/random-ids.js';

describe('random ids', () => {
  it('gives 96-bit ids that never repeat, across many refills of the pool', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50_000; i++) ids.add(randomId('t'));
    expect(ids.size).toBe(50_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^t_[A-Za-z0-9_-]{16}$/);
    expect(randomHex(6)).toMatch(/^[0-9a-f]{12}$/);
    expect(randomHex(5000)).toHaveLength(10_000); // more than the pool holds
  });

  it('draws each decimal digit evenly (chi-square over 200,000 digits)', () => {
    const counts = new Array(10).fill(0);
    const n = 200_000;
    const s = digits(n);
    expect(s).toMatch(/^\d+$/);
    expect(s).toHaveLength(n);
    for (const ch of s) counts[Number(ch)]++;
    const expected = n / 10;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: above 27.9 happens by chance once in a thousand runs; `byte % 10` without the
    // rejection of 250–255 gives a chi-square near 73 here.
    expect(chi2).toBeLessThan(27.9);
  });
});
