// Runs async jobs one at a time in arrival order (one printer, one speaker, one LED board = one queue); a job may ask
// to go ahead of those still waiting (a printer's status poll must not wait behind a backlog of tickets), and those
// among themselves by priority (a fire's evacuation notice before a power cut's).

export class SerialQueue {
  private readonly urgent: Array<{ start: () => void; priority: number }> = [];
  private readonly normal: Array<() => void> = [];
  private readonly pending = new Set<Promise<unknown>>();
  private busy = false;

  /** Jobs queued or running. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Queues `job`; its result (or error) is returned, and never affects the next job. With `first`, the job runs as
   * soon as the running one settles, before every job still waiting; first jobs among themselves go by `priority`
   * (higher first, 0 when absent), then in arrival order — or, with `front`, ahead of their equals (a job taken back).
   * @example await queue.run(() => transport.write(bytes))
   */
  run<T>(job: () => Promise<T>, opts: { first?: boolean; priority?: number; front?: boolean } = {}): Promise<T> {
    let start!: () => void;
    const result = new Promise<void>((resolve) => (start = resolve)).then(job);
    if (opts.first) this.queueFirst(start, opts.priority ?? 0, opts.front ?? false);
    else this.normal.push(start);
    this.pending.add(result);
    const settled = () => {
      this.pending.delete(result);
      this.busy = false;
      this.next();
    };
    result.then(settled, settled);
    this.next();
    return result;
  }

  /** Resolves once every job queued so far has settled. */
  idle(): Promise<void> {
    return Promise.allSettled([...this.pending]).then(() => undefined);
  }

  /** After the first jobs of this priority or higher, before those of lower; with `front`, before its equals too. */
  private queueFirst(start: () => void, priority: number, front: boolean): void {
    const at = this.urgent.findIndex((u) => (front ? u.priority <= priority : u.priority < priority));
    this.urgent.splice(at < 0 ? this.urgent.length : at, 0, { start, priority });
  }

  private next(): void {
    if (this.busy) return;
    const start = this.urgent.shift()?.start ?? this.normal.shift();
    if (!start) return;
    this.busy = true;
    start();
  }
}
