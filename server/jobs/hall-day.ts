/** The hall's clock jobs: start the new hall day at midnight (hall time zone) and prune expired tokens. */
import cron from 'node-cron';
import type { HallService } from '../core/hall-service.js';
import { log } from '../log.js';
import type { Accounts } from '../store/accounts.js';

export class HallDayJobs {
  private tasks: Array<{ stop(): unknown }> = [];

  constructor(
    private readonly hall: HallService,
    private readonly accounts: Accounts,
  ) {}

  start(): void {
    const timezone = this.hall.hall.hall.timezone;
    // Every minute, not only at 00:00: a mini-PC that slept or lost power through midnight catches up at once.
    this.tasks.push(cron.schedule('* * * * *', () => this.safely('day start', () => this.hall.startDayIfNeeded()), { timezone }));
    this.tasks.push(
      cron.schedule(
        '17 * * * *',
        () =>
          this.safely('prune', () => {
            this.accounts.pruneExpiredTokens(Date.now());
            this.accounts.pruneSeenDeviceEvents(Date.now() - 7 * 24 * 60 * 60 * 1000);
          }),
        { timezone },
      ),
    );
  }

  stop(): void {
    for (const t of this.tasks) t.stop();
    this.tasks = [];
  }

  private safely(name: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      log.error(`job failed: ${name}`, { error: (err as Error).message });
    }
  }
}
