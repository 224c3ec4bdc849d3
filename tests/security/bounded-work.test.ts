/** The bounded line behind the password checks, the first lane served before the others, and who gets into it. */
import { describe, expect, it } from 'vitest';
import { BoundedWork, WorkQueueFull } from '../../server/security/bounded-work.js';
import { KNOWN_BROWSER_MS, KnownBrowsers } from '../../server/http/routes/known-browsers.js';

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

describe('KnownBrowsers', () => {
  const key = Buffer.alloc(32, 7);
  const t0 = Date.parse('2026-12-02T08:30:00+08:00');
  const valueOf = (setCookie: string) => setCookie.split(';')[0];

  it('knows a browser by the cookie its login set, for 30 days, and is not fooled by an edited one', () => {
    const known = new KnownBrowsers(key);
    const setCookie = known.cookie(t0);
    expect(setCookie).toMatch(
      /^hallq_known=v1\.\d+\.[\w-]{43}; Max-Age=2592000; Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict$/,
    );
    const cookie = valueOf(setCookie);
    expect(known.isKnown(`theme=dark; ${cookie}`, t0 + KNOWN_BROWSER_MS - 1)).toBe(true);
    expect(known.isKnown(cookie, t0 + KNOWN_BROWSER_MS)).toBe(false);
    expect(known.isKnown(undefined, t0)).toBe(false);
    expect(known.isKnown(cookie.replace(`v1.${t0}`, `v1.${t0 + 1}`), t0)).toBe(false);
    expect(known.isKnown(`hallq_known=v1.${t0}.${'A'.repeat(43)}`, t0)).toBe(false);
    expect(new KnownBrowsers(Buffer.alloc(32, 8)).isKnown(cookie, t0)).toBe(false);
    // Issued by a clock more than ten minutes ahead: not believed.
    expect(known.isKnown(valueOf(known.cookie(t0 + 11 * 60_000)), t0)).toBe(false);
  });
});
