/** Ends each city announcement at its `until`, through the write path as system:city (checked every 30 s). */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { expiredAnnouncements } from '../../domain/decide/city-announcement.js';
import { CITY_ACTOR } from '../../domain/decide/context.js';
import { deactivatePlaybook } from '../../domain/decide/emergency.js';
import { log } from '../../log.js';

export class AnnouncementExpiry implements Feature {
  readonly name = 'city-announcement-expiry';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly hall: HallService) {}

  start(): void {
    // Also at start: one that ended while the site was down goes at once.
    this.sweep();
    this.timer = setInterval(() => this.sweep(), 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Ends what is due at `now`; returns the ids ended. */
  sweep(now = this.hall.clock()): string[] {
    const ended: string[] = [];
    for (const playbookId of expiredAnnouncements(this.hall.state, now)) {
      try {
        this.hall.execute(CITY_ACTOR, (ctx, s) =>
          deactivatePlaybook(ctx, s, { playbookId, reason: 'city: announcement ended (until)', automatic: true }),
        );
        ended.push(playbookId);
      } catch (err) {
        log.warn('city announcement not ended', { playbookId, error: (err as Error).message });
      }
    }
    return ended;
  }
}
