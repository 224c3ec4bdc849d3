/**
 * Gives the V8 heap's slack back to the system at quiet moments. A burst (a rush of tickets, a room of devices
 * logging in) makes V8 grow its old generation, and it keeps the pages long after the burst's garbage is gone: the
 * same day's state measured 94–114 MB of RSS depending on when the last full collection happened. One full
 * collection once the hall has gone quiet returns them, and tells V8's own memory reducer that the burst is over (it
 * gives back the grown young generation about 8 s later, which no collection from JavaScript does). Runs only where
 * the collector is exposed (`npm start` passes `--expose-gc`); elsewhere it does nothing.
 */
import { getHeapStatistics } from 'node:v8';
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';

export interface HeapTrimOptions {
  /** How long no command must have been written. */
  quietMs?: number;
  /** How often to look. */
  everyMs?: number;
  /** Collect only when V8 holds at least this much more heap than it uses. */
  minSlackBytes?: number;
  /** A full, synchronous collection (default: the `gc` that `--expose-gc` gives). */
  collect?: () => void;
  /** The heap V8 holds from the system and the part of it in use, in bytes. */
  heap?: () => { total: number; used: number };
}

export class QuietHeapTrim implements Feature {
  readonly name = 'heap-trim';
  private timer?: NodeJS.Timeout;
  /** The log's head at the last collection: one collection per quiet spell, and only after something was written. */
  private trimmedAtSeq = -1;
  private readonly collect: (() => void) | undefined;
  private readonly heap: () => { total: number; used: number };

  constructor(
    private readonly hall: Pick<HallService, 'checkpointDue' | 'log'>,
    private readonly opts: HeapTrimOptions = {},
  ) {
    this.collect = opts.collect ?? (globalThis as { gc?: () => void }).gc;
    this.heap =
      opts.heap ??
      (() => {
        const h = getHeapStatistics();
        return { total: h.total_heap_size, used: h.used_heap_size };
      });
  }

  start(): void {
    if (!this.collect) return;
    this.timer = setInterval(() => this.check(), this.opts.everyMs ?? 5000);
    this.timer.unref();
  }

  /**
   * One look: collects when the hall has been quiet since something was written after the last collection, and V8
   * holds much more heap than it uses. Returns whether it did.
   */
  check(): boolean {
    const { quietMs = 10_000, minSlackBytes = 8 * 1024 * 1024 } = this.opts;
    if (!this.collect) return false;
    const seq = this.hall.log.head.seq;
    if (seq === this.trimmedAtSeq || this.hall.checkpointDue().quietMs < quietMs) return false;
    const { total, used } = this.heap();
    // A hall taking a ticket now and then never grows this much slack: it costs no collection every quiet spell.
    if (total - used < minSlackBytes) return false;
    this.collect();
    this.trimmedAtSeq = seq;
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
