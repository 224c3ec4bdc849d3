/** The hall's clock jobs: start the new hall day at midnight (hall time zone) and prune expired tokens. */
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';
import { log } from '../log.js';
import type { Accounts } from '../store/accounts.js';

export class HallDayJobs implements Feature {
  readonly name = 'hall-day-jobs';
  readonly required = true;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly hall: HallService,
    private readonly accounts: Accounts,
  ) {}

  start(): void {
    // Every minute, not only at 00:00: a mini-PC that slept or lost power through midnight catches up at once. Plain
    // intervals, no cron library: its time-zone formatter maps ~8 MB of ICU data and costs ~80 ms of every start.
    this.every(60_000, 'day start', () => this.hall.startDayIfNeeded());
    this.every(60 * 60_000, 'prune', () => {
      this.accounts.pruneExpiredTokens(Date.now());
      this.accounts.pruneSeenDeviceEvents(Date.now() - 7 * 24 * 60 * 60 * 1000);
    });
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private every(ms: number, name: string, fn: () => unknown): void {
    const timer = setInterval(() => this.safely(name, fn), ms);
    timer.unref();
    this.timers.push(timer);
  }

  private safely(name: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      log.error(`job failed: ${name}`, { error: (err as Error).message });
    }
  }
}
