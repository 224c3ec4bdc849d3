// Pure debounce of a digital input: a level counts once it has held, unchanged, for `ms` milliseconds.
import type { Level } from './backend.js';

export interface Debouncer {
  /** Feed a raw level (every edge, bounces included). */
  push(value: Level): void;
  /** The last settled level; undefined until the first one settles (unless `initial` was given). */
  readonly stable: Level | undefined;
  /** Cancels a pending settle. */
  dispose(): void;
}

export interface DebounceOptions {
  ms: number;
  /** Settled level to start from; leave undefined to report the first level as a change. */
  initial?: Level;
  /** Called when a new level settles, with the level before it. */
  onStable(value: Level, previous: Level | undefined): void;
}

/**
 * @example
 * const d = createDebouncer({ ms: 50, initial: 0, onStable: (v) => console.log('now', v) });
 * d.push(1); d.push(0); d.push(1); // bounce: 50 ms after the last push, logs "now 1" once
 */
export function createDebouncer(opts: DebounceOptions): Debouncer {
  let stable = opts.initial;
  let pending: Level | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const settle = () => {
    timer = undefined;
    if (pending === undefined || pending === stable) return;
    const previous = stable;
    stable = pending;
    opts.onStable(pending, previous);
  };

  return {
    push(value) {
      pending = value;
      if (timer !== undefined) clearTimeout(timer);
      if (opts.ms <= 0) settle();
      else timer = setTimeout(settle, opts.ms);
    },
    get stable() {
      return stable;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
