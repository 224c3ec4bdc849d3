/**
 * Checkpoints of the live state at quiet moments. Writing one serializes the whole day's tickets (tens of ms on a busy
 * day), so it waits until no command has been written for a while; the hall service still writes one itself after
 * its hard limit of events, so a hall that is never quiet replays a bounded log at start.
 */
import type { HallService } from '../core/hall-service.js';

export interface QuietCheckpointOptions {
  /** Do not bother with fewer events than this since the last checkpoint. */
  minEvents?: number;
  /** How long no command must have been written. */
  quietMs?: number;
  /** How often to look. */
  everyMs?: number;
}

export class QuietCheckpoints {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly hall: HallService,
    private readonly opts: QuietCheckpointOptions = {},
  ) {}

  start(): void {
    const { minEvents = 1000, quietMs = 2000, everyMs = 1000 } = this.opts;
    this.timer = setInterval(() => {
      const due = this.hall.checkpointDue();
      if (due.events >= minEvents && due.quietMs >= quietMs) this.hall.snapshot();
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
