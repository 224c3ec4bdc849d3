/**
 * Gives the V8 heap's slack back to the system at quiet moments. A burst (a rush of tickets, a room of devices
 * logging in) makes V8 grow its old generation, and it keeps the pages long after the burst's garbage is gone: the
 * same day's state measured 94–114 MB of RSS depending on when the last full collection happened. One full
 * collection once the hall has been quiet returns them. Runs only where the collector is exposed (`npm start` passes
 * `--expose-gc`); elsewhere it does nothing.
 */
import { getHeapStatistics } from 'node:v8';
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';

export interface HeapTrimOptions {
  /** How long no command must have been written. */
  quietMs?: number;
  /** How often to look. */
  everyMs?: number;
  /** Collect only when V8 holds at least this much more heap than after the last collection. */
  minGrowthBytes?: number;
  /** A full, synchronous collection (default: the `gc` that `--expose-gc` gives). */
  collect?: () => void;
  /** The heap V8 holds from the system, in bytes. */
  heapBytes?: () => number;
}

export class QuietHeapTrim implements Feature {
  readonly name = 'heap-trim';
  private timer?: NodeJS.Timeout;
  private baseline = 0;
  private readonly collect: (() => void) | undefined;
  private readonly heapBytes: () => number;

  constructor(
    private readonly hall: Pick<HallService, 'checkpointDue'>,
    private readonly opts: HeapTrimOptions = {},
  ) {
    this.collect = opts.collect ?? (globalThis as { gc?: () => void }).gc;
    this.heapBytes = opts.heapBytes ?? (() => getHeapStatistics().total_heap_size);
  }

  start(): void {
    if (!this.collect) return;
    this.baseline = this.heapBytes();
    this.timer = setInterval(() => this.check(), this.opts.everyMs ?? 5000);
    this.timer.unref();
  }

  /** One look: collects when the hall is quiet and the heap grew since the last collection. Returns whether it did. */
  check(): boolean {
    const { quietMs = 10_000, minGrowthBytes = 4 * 1024 * 1024 } = this.opts;
    if (!this.collect) return false;
    const heap = this.heapBytes();
    // V8's own collections may have shrunk it: growth is counted from the smallest seen since.
    this.baseline = Math.min(this.baseline, heap);
    if (this.hall.checkpointDue().quietMs < quietMs || heap - this.baseline < minGrowthBytes) return false;
    this.collect();
    this.baseline = this.heapBytes();
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
