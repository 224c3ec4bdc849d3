/**
 * Checkpoints of the live state at quiet moments. Writing one serializes the whole day's tickets (tens of ms on a busy
 * day), so it waits until no command has been written for a while; the hall service still writes one itself after
 * its hard limit of events, so a hall that is never quiet replays a bounded log at start. At a quiet moment with too
 * little for a checkpoint, it moves the audit chain's anchor to the head instead (one small write, no log entry).
 */
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';
import { log } from '../log.js';

export interface QuietCheckpointOptions {
  /** Do not bother with fewer events than this since the last checkpoint. */
  minEvents?: number;
  /** How long no command must have been written. */
  quietMs?: number;
  /** How often to look. */
  everyMs?: number;
}

/** After a failed checkpoint (a full disk), wait this long before serializing the day again; doubled each time. */
const FIRST_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 30 * 60_000;

export class QuietCheckpoints implements Feature {
  readonly name = 'quiet-checkpoints';
  readonly required = true;
  private timer?: NodeJS.Timeout;
  private backoffMs = 0;
  private notBefore = 0;

  constructor(
    private readonly hall: HallService,
    private readonly opts: QuietCheckpointOptions = {},
  ) {}

  start(): void {
    const { minEvents = 1000, quietMs = 2000, everyMs = 1000 } = this.opts;
    this.timer = setInterval(() => {
      const due = this.hall.checkpointDue();
      if (due.quietMs < quietMs || performance.now() < this.notBefore) return;
      if (due.events < minEvents) return this.anchor();
      if (this.hall.snapshot()) {
        this.backoffMs = 0;
        return;
      }
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : FIRST_BACKOFF_MS);
      this.notBefore = performance.now() + this.backoffMs;
    }, everyMs);
    this.timer.unref();
  }

  /** Quiet, with too little for a checkpoint: the anchor still follows the head, so a lost tail shows. */
  private anchor(): void {
    try {
      this.hall.anchorIfMoved();
    } catch (err) {
      log.warn('anchoring the audit chain failed', { error: (err as Error).message });
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
