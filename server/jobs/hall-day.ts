/** The hall's clock jobs: start the new hall day at midnight (hall time zone) and prune expired tokens. */
import cron from 'node-cron';
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';
import { log } from '../log.js';
import type { Accounts } from '../store/accounts.js';

export class HallDayJobs implements Feature {
  readonly name = 'hall-day-jobs';
  readonly required = true;
  private tasks: Array<{ stop(): unknown }> = [];

  constructor(
    private readonly hall: HallService,
    private readonly accounts: Accounts,
  ) {}

  start(): void {
    const timezone = this.hall.site.timezone;
    // Every minute, not only at 00:00: a mini-PC that slept or lost power through midnight catches up at once.
    this.schedule('* * * * *', timezone, 'day start', () => this.hall.startDayIfNeeded());
    this.schedule('17 * * * *', timezone, 'prune', () => this.prune());
  }

  /**
   * Drops expired tokens and week-old device event ids, on the hall's clock, as they are stamped: the wall clock and
   * it part when a test turns it by hand, and a prune on the wall clock then took every token for expired.
   */
  prune(): void {
    const now = this.hall.clock();
    this.accounts.pruneExpiredTokens(now);
    this.accounts.pruneSeenDeviceEvents(now - 7 * 24 * 60 * 60 * 1000);
  }

  stop(): void {
    for (const t of this.tasks) t.stop();
    this.tasks = [];
  }

  /** node-cron, the stack's scheduler, in the hall's time zone (its first use maps ~8 MB of ICU data: see benchmarks). */
  private schedule(expression: string, timezone: string, name: string, fn: () => unknown): void {
    this.tasks.push(cron.schedule(expression, () => this.safely(name, fn), { timezone }));
  }

  private safely(name: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      log.error(`job failed: ${name}`, { error: (err as Error).message });
    }
  }
}
