/**
 * Runs expensive async work (password hashing) a few at a time with a bounded waiting line, and refuses at once
 * when the line is full: a flood of such work then cannot fill libuv's thread pool (4 threads, shared with file
 * I/O and the staff's password checks) nor hold memory for each waiting caller.
 */

export class WorkQueueFull extends Error {
  constructor() {
    super('too much work waiting');
  }
}

export class BoundedWork {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /** Runs `task` when a slot is free; rejects with WorkQueueFull when `maxWaiting` are already waiting. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new WorkQueueFull();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
