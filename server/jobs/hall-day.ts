/** The hall's clock jobs: start the new hall day at midnight (hall time zone) and prune expired tokens. */
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';
import { log } from '../log.js';
import type { Accounts } from '../store/accounts.js';
import { atZonedTimes, everyInterval, type Stoppable } from './schedules.js';

const MINUTE = 60_000;
/** A wall clock that moved this much more (or less) than the time that passed is a jump worth a line in the log. */
const JUMP_MS = 2 * MINUTE;

export class HallDayJobs implements Feature {
  readonly name = 'hall-day-jobs';
  readonly required = true;
  private tasks: Stoppable[] = [];
  private lastCheck = { wall: 0, mono: 0 };

  constructor(
    private readonly hall: HallService,
    private readonly accounts: Accounts,
  ) {}

  start(): void {
    this.lastCheck = { wall: Date.now(), mono: performance.now() };
    this.tasks.push(
      atZonedTimes('0 0 * * *', this.hall.site.timezone, 'day start', () => this.hall.startDayIfNeeded()),
      // Every minute as well: a mini-PC that slept through midnight, or whose clock jumped, catches up at once.
      everyInterval(MINUTE, 'day start', () => {
        this.noteClockJump();
        this.hall.startDayIfNeeded();
      }),
      everyInterval(60 * MINUTE, 'prune', () => this.prune()),
    );
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

  /** One line when the wall clock jumped (NTP after a dead RTC battery, a hand-set clock): days, deadlines and tokens follow it. */
  private noteClockJump(): void {
    const now = { wall: Date.now(), mono: performance.now() };
    const jumpMs = now.wall - this.lastCheck.wall - (now.mono - this.lastCheck.mono);
    this.lastCheck = now;
    if (Math.abs(jumpMs) >= JUMP_MS)
      log.warn('the wall clock jumped', {
        minutes: Math.round(jumpMs / MINUTE),
        now: new Date(now.wall).toISOString(),
      });
  }
}
