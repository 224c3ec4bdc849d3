/**
 * Keeps the log's head mark (store/head-mark.ts) beside the database: every second while the head moves, written off
 * the event loop, one write at a time; once more at a clean stop (`writeFinal`). A write that fails (a full disk) is
 * tried again.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { log } from '../../log.js';
import { writeHeadMark, writeHeadMarkNow, type HeadMark } from '../../store/head-mark.js';

const EVERY_MS = 1000;

export class HeadMarkKeeper implements Feature {
  readonly name = 'head-mark';
  private timer?: NodeJS.Timeout;
  private writing = false;
  private writtenSeq = -1;

  constructor(
    private readonly hall: HallService,
    private readonly dataDir: string,
    private readonly key: Buffer,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), EVERY_MS);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The last mark, at a clean stop once the last entries (the stop's checkpoint) are written. */
  writeFinal(): void {
    try {
      writeHeadMarkNow(this.dataDir, this.key, { ...this.mark(), clean: true });
    } catch (err) {
      log.warn('log head mark not written at stop', { error: (err as Error).message });
    }
  }

  private mark(): HeadMark {
    const { seq, hash } = this.hall.log.head;
    const { day, sequences } = this.hall.state;
    return { seq, hash, day, sequences: { ...sequences }, at: this.hall.clock() };
  }

  private async tick(): Promise<void> {
    if (this.writing || this.hall.log.seq === this.writtenSeq) return;
    this.writing = true;
    // Read now, in one turn: every entry up to this head is committed, its fsync done (synchronous = FULL).
    const mark = this.mark();
    try {
      await writeHeadMark(this.dataDir, this.key, mark);
      this.writtenSeq = mark.seq;
    } catch (err) {
      log.debug('log head mark not written; trying again', { error: (err as Error).message });
    } finally {
      this.writing = false;
    }
  }
}
