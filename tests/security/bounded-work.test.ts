/** The bounded line behind the password checks, the first lane served before the others, and who gets into it. */
import { describe, expect, it } from 'vitest';
import { BoundedWork, WorkQueueFull } from '../../server/security/bounded-work.js';
import { FIRST_LANE_FAILURES, KNOWN_BROWSER_MS, KnownBrowsers } from '../../server/http/routes/known-browsers.js';

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
  /** Admits and at once gives the place back, as a right password would. */
  const admits = (known: KnownBrowsers, cookie: string | undefined, username: string, now = t0) => {
    const user = known.admit(cookie, username, now);
    if (user) known.checked(user, true);
    return user !== undefined;
  };

  it('knows a browser for the users who logged in on it, for 30 days, and is not fooled by an edited cookie', () => {
    const known = new KnownBrowsers(key);
    const setCookie = known.cookie(undefined, 'wang', t0);
    expect(setCookie).toMatch(
      /^hallq_known=v1\.\d+\.[\w-]{16}\.[\w-]{43}; Max-Age=2592000; Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict$/,
    );
    expect(setCookie).not.toContain('wang');
    const cookie = valueOf(setCookie);
    expect(admits(known, `theme=dark; ${cookie}`, 'wang', t0 + KNOWN_BROWSER_MS - 1)).toBe(true);
    expect(admits(known, cookie, 'li')).toBe(false);
    expect(admits(known, cookie, 'wang', t0 + KNOWN_BROWSER_MS)).toBe(false);
    expect(admits(known, undefined, 'wang')).toBe(false);
    expect(admits(known, cookie.replace(`v1.${t0}`, `v1.${t0 + 1}`), 'wang')).toBe(false);
    expect(admits(new KnownBrowsers(Buffer.alloc(32, 8)), cookie, 'wang')).toBe(false);
    // Issued by a clock more than ten minutes ahead: not believed.
    expect(admits(known, valueOf(known.cookie(undefined, 'wang', t0 + 11 * 60_000)), 'wang')).toBe(false);
    // A bad cookie of the same name beside it (planted by another service on the host) does not hide it.
    expect(admits(known, `hallq_known=v1.1.AAAAAAAAAAAAAAAA.${'A'.repeat(43)}; ${cookie}`, 'wang')).toBe(true);
  });

  it('keeps the last four users of a shared counter PC', () => {
    const known = new KnownBrowsers(key);
    let cookie: string | undefined;
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e'].entries()) cookie = valueOf(known.cookie(cookie, name, t0 + i));
    expect(['a', 'b', 'c', 'd', 'e'].map((name) => admits(known, cookie, name))).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
  });

  it('gives a stolen cookie one first-lane check at a time, and none after three wrong passwords', () => {
    const known = new KnownBrowsers(key);
    const cookie = valueOf(known.cookie(undefined, 'wang', t0));
    const first = known.admit(cookie, 'wang', t0)!;
    expect(first).toBeDefined();
    expect(known.admit(cookie, 'wang', t0)).toBeUndefined(); // one in flight already
    known.checked(first, undefined); // the line was full: no failure
    for (let i = 0; i < FIRST_LANE_FAILURES; i++) known.checked(known.admit(cookie, 'wang', t0)!, false);
    expect(known.admit(cookie, 'wang', t0)).toBeUndefined();
    // The staff member logs in (through the strangers' lane): the cookie counts again.
    known.cookie(cookie, 'wang', t0 + 1);
    expect(admits(known, cookie, 'wang')).toBe(true);
  });
});
