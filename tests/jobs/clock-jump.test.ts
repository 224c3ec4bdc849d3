/**
 * A wall clock that jumps 30 days forward (an NTP fix after weeks on a dead RTC battery): the hall's jobs catch up
 * once — a new hall day within a minute, one line in the log — instead of node-cron walking and warning for every
 * minute it missed (43,200 slots, the hall frozen for seconds). Fake timers move the wall clock apart from the
 * monotonic one, as the jump does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HallDayJobs } from '../../server/jobs/hall-day.js';
import { log } from '../../server/log.js';
import type { HallService } from '../../server/core/hall-service.js';
import type { Accounts } from '../../server/store/accounts.js';

const DAY = 24 * 60 * 60_000;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the hall’s day jobs after a forward clock jump', () => {
  it('start the new day within a minute and say so once, with no line for each missed minute', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T10:00:00+08:00') });
    const startDayIfNeeded = vi.fn();
    const hall = {
      site: { timezone: 'Asia/Shanghai' },
      startDayIfNeeded,
      clock: () => Date.now(),
    } as unknown as HallService;
    const accounts = { pruneExpiredTokens: vi.fn(), pruneSeenDeviceEvents: vi.fn() } as unknown as Accounts;
    const lines: string[] = [];
    const collect = { write: (s: string) => (lines.push(s), true), once: () => undefined, writableLength: 0 };
    const restore = log.redirect(collect as never, collect as never);
    log.setLevel('info');
    const console = [vi.spyOn(globalThis.console, 'warn'), vi.spyOn(globalThis.console, 'log')];
    const jobs = new HallDayJobs(hall, accounts);
    try {
      jobs.start();
      // The wall clock jumps; the monotonic clock (timers, performance.now) does not.
      vi.setSystemTime(Date.now() + 30 * DAY);
      await vi.advanceTimersByTimeAsync(61_000);
      expect(startDayIfNeeded).toHaveBeenCalled();
      const jumped = lines.filter((l) => l.includes('the wall clock jumped'));
      expect(jumped).toHaveLength(1);
      expect(JSON.parse(jumped[0]).minutes).toBe(30 * 24 * 60);
      expect(lines.filter((l) => /missed/i.test(l))).toEqual([]);
      for (const spy of console) expect(spy.mock.calls.filter((c) => /missed/i.test(String(c[0])))).toEqual([]);
      // Midnight in the hall's zone runs node-cron's day job; one missed midnight, not 43,200 minutes.
      await vi.advanceTimersByTimeAsync(DAY);
      expect(startDayIfNeeded.mock.calls.length).toBeLessThan(1500);
    } finally {
      jobs.stop();
      restore();
      log.setLevel('silent');
    }
  });
});
