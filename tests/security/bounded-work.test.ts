/** The bounded line behind the password checks: a few at a time, the first lane served before the others. */
import { describe, expect, it } from 'vitest';
import { BoundedWork, WorkQueueFull } from '../../server/security/bounded-work.js';
import { KNOWN_LOGIN_ADDRESS_MS, KnownLoginAddresses } from '../../server/http/routes/known-login-addresses.js';

/** A task that ends when `release` is called, noting its start in `order`. */
function gate(order: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { task: async () => (order.push(name), done), release };
}

describe('BoundedWork', () => {
  it('serves the first lane before the others, and bounds each lane on its own', async () => {
    const work = new BoundedWork(1, 2);
    const order: string[] = [];
    const running = gate(order, 'running');
    const all = [work.run(running.task)];
    const tasks = ['stranger-1', 'stranger-2', 'known-1', 'known-2'].map((name) => {
      const g = gate(order, name);
      all.push(work.run(g.task, name.startsWith('known') ? 'first' : 'others'));
      return g;
    });
    await expect(work.run(async () => undefined)).rejects.toBeInstanceOf(WorkQueueFull);
    await expect(work.run(async () => undefined, 'first')).rejects.toBeInstanceOf(WorkQueueFull);

    running.release();
    for (const g of [tasks[2], tasks[3], tasks[0], tasks[1]]) {
      await new Promise((r) => setImmediate(r));
      g.release();
    }
    await Promise.all(all);
    expect(order).toEqual(['running', 'known-1', 'known-2', 'stranger-1', 'stranger-2']);
  });
});

describe('KnownLoginAddresses', () => {
  it('knows an address for 30 days after its last login', () => {
    const known = new KnownLoginAddresses();
    const t0 = Date.parse('2026-12-02T08:30:00+08:00');
    known.remember('10.0.0.21', t0);
    expect(known.has('10.0.0.21', t0 + KNOWN_LOGIN_ADDRESS_MS - 1)).toBe(true);
    expect(known.has('10.0.0.22', t0)).toBe(false);
    expect(known.has('10.0.0.21', t0 + KNOWN_LOGIN_ADDRESS_MS)).toBe(false);
  });

  it('forgets the longest unused address past 4096', () => {
    const known = new KnownLoginAddresses();
    const t0 = Date.parse('2026-12-02T08:30:00+08:00');
    for (let i = 0; i < 4096; i++) known.remember(`10.0.${i >> 8}.${i & 255}`, t0);
    known.remember('10.0.0.0', t0 + 1); // used again: now the newest
    known.remember('10.1.0.0', t0 + 2);
    expect(known.has('10.0.0.0', t0 + 3)).toBe(true);
    expect(known.has('10.0.0.1', t0 + 3)).toBe(false);
    expect(known.has('10.0.0.2', t0 + 3)).toBe(true);
  });
});
