/**
 * Runs expensive async work (password hashing) a few at a time with a bounded waiting line, and refuses at once
 * when the line is full: a flood of such work then cannot fill libuv's thread pool (4 threads, shared with file
 * I/O and the staff's password checks) nor hold memory for each waiting caller. Work in the `first` lane (callers
 * known to the hall) goes ahead of the `others`, each lane with its own bound, so a flood of strangers can fill
 * only theirs.
 */

export class WorkQueueFull extends Error {
  constructor() {
    super('too much work waiting');
  }
}

export type WorkLane = 'first' | 'others';

export class BoundedWork {
  private running = 0;
  private readonly waiting: Record<WorkLane, Array<() => void>> = { first: [], others: [] };

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /** Runs `task` when a slot is free; rejects with WorkQueueFull when `maxWaiting` already wait in its lane. */
  async run<T>(task: () => Promise<T>, lane: WorkLane = 'others'): Promise<T> {
    if (this.running >= this.concurrency) {
      const line = this.waiting[lane];
      if (line.length >= this.maxWaiting) throw new WorkQueueFull();
      await new Promise<void>((resolve) => line.push(resolve));
    } else this.running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, the first lane before the others, or free it.
      const next = this.waiting.first.shift() ?? this.waiting.others.shift();
      if (next) next();
      else this.running--;
    }
  }
}
