/** The bounded line behind the password checks, the first lane served before the others, and who gets into it. */
import { describe, expect, it } from 'vitest';
import { BoundedWork, WorkQueueFull, type WorkLane } from '../../server/security/bounded-work.js';
import {
  FIRST_LANE_FAILURE_WINDOW_MS,
  FIRST_LANE_FAILURES,
  KNOWN_BROWSER_MS,
  KnownBrowsers,
} from '../../server/http/routes/known-browsers.js';

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
  const valueOf = (setCookie: string | undefined) => setCookie!.split(';')[0];
  /** The lane a login with this cookie is checked in; its password is taken as `ok`. */
  const laneOf = async (known: KnownBrowsers, cookie: string | undefined, username: string, now = t0, ok = true) => {
    let lane: WorkLane | undefined;
    await known.check(cookie, username, now, async (l) => ((lane = l), ok ? 'user' : undefined));
    return lane;
  };

  it('knows a browser for the users who logged in on it, for 30 days, and is not fooled by an edited cookie', async () => {
    const known = new KnownBrowsers(key);
    const setCookie = known.cookie(undefined, 'wang', t0);
    expect(setCookie).toMatch(
      /^hallq_known=v1\.\d+\.[\w-]{16}\.[\w-]{43}; Max-Age=2592000; Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict$/,
    );
    expect(setCookie).not.toContain('wang');
    const cookie = valueOf(setCookie);
    expect(await laneOf(known, `theme=dark; ${cookie}`, 'wang', t0 + KNOWN_BROWSER_MS - 1)).toBe('first');
    expect(await laneOf(known, cookie, 'li')).toBe('others');
    expect(await laneOf(known, cookie, 'wang', t0 + KNOWN_BROWSER_MS)).toBe('others');
    expect(await laneOf(known, undefined, 'wang')).toBe('others');
    expect(await laneOf(known, cookie.replace(`v1.${t0}`, `v1.${t0 + 1}`), 'wang')).toBe('others');
    expect(await laneOf(new KnownBrowsers(Buffer.alloc(32, 8)), cookie, 'wang')).toBe('others');
    // Issued by a clock more than ten minutes ahead: not believed.
    expect(await laneOf(known, valueOf(known.cookie(undefined, 'wang', t0 + 11 * 60_000)), 'wang')).toBe('others');
    // Bad cookies of the same name before it (planted by another service on the host) do not hide it.
    const planted = Array.from({ length: 6 }, () => `hallq_known=v1.1.AAAAAAAAAAAAAAAA.${'A'.repeat(43)}`);
    expect(await laneOf(known, `${planted.join('; ')}; ${cookie}`, 'wang')).toBe('first');
  });

  it('voids a user’s entries when their password changes, and gives a disabled user none', async () => {
    const stamps = new Map([
      ['wang', 'scrypt$hash-1'],
      ['li', 'scrypt$hash-2'],
    ]);
    const known = new KnownBrowsers(key, (username) => stamps.get(username));
    let cookie = valueOf(known.cookie(undefined, 'wang', t0));
    cookie = valueOf(known.cookie(cookie, 'li', t0));
    expect(await laneOf(known, cookie, 'wang')).toBe('first');
    stamps.set('wang', 'scrypt$hash-3'); // a new password, or a manager's reset
    expect(await laneOf(known, cookie, 'wang')).toBe('others');
    expect(await laneOf(known, cookie, 'li')).toBe('first');
    stamps.delete('li'); // disabled
    expect(await laneOf(known, cookie, 'li')).toBe('others');
    expect(known.cookie(cookie, 'li', t0)).toBeUndefined();
  });

  it('keeps the last four users of a shared counter PC', async () => {
    const known = new KnownBrowsers(key);
    let cookie: string | undefined;
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e'].entries()) cookie = valueOf(known.cookie(cookie, name, t0 + i));
    const lanes = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) lanes.push(await laneOf(known, cookie, name));
    expect(lanes).toEqual(['others', 'first', 'first', 'first', 'first']);
  });

  it('gives a stolen cookie one first-lane check at a time, none after three wrong passwords, and the place back on a full line', async () => {
    const known = new KnownBrowsers(key);
    const cookie = valueOf(known.cookie(undefined, 'wang', t0));
    let release!: () => void;
    const running = known.check(cookie, 'wang', t0, (lane) => {
      expect(lane).toBe('first');
      return new Promise<string>((r) => (release = () => r('user')));
    });
    expect(await laneOf(known, cookie, 'wang')).toBe('others'); // one in flight already
    release();
    await running;
    // A full line (or any throw) gives the place back and is no failure.
    await expect(
      known.check(cookie, 'wang', t0, async () => {
        throw new WorkQueueFull();
      }),
    ).rejects.toBeInstanceOf(WorkQueueFull);
    for (let i = 0; i < FIRST_LANE_FAILURES; i++) expect(await laneOf(known, cookie, 'wang', t0, false)).toBe('first');
    expect(await laneOf(known, cookie, 'wang')).toBe('others');
    // The wrong passwords age out after 10 minutes, or the staff member logs in (through the strangers' lane).
    expect(await laneOf(known, cookie, 'wang', t0 + FIRST_LANE_FAILURE_WINDOW_MS)).toBe('first');
    for (let i = 0; i < FIRST_LANE_FAILURES; i++) await laneOf(known, cookie, 'wang', t0, false);
    known.cookie(cookie, 'wang', t0 + 1);
    expect(await laneOf(known, cookie, 'wang')).toBe('first');
  });
});
