/** A typed in-process bus: features listen here for committed events; one failing listener cannot break the others. */
import type { HallEvent } from '../domain/events.js';
import type { Ticket } from '../domain/types.js';
import { log } from '../log.js';

/** A committed state event with its place in the log and in the live stream. */
export interface CommittedEvent {
  seq: number;
  streamSeq: number;
  at: number;
  actor: string;
  event: HallEvent;
  /** The ticket the event is about, as the event left it (a copy): the fan-out runs after later commands. */
  ticket?: Ticket;
}

export interface BusEvents {
  committed: CommittedEvent[];
}

type Listener<T> = (payload: T) => void;

export class EventBus {
  private readonly listeners: { [K in keyof BusEvents]?: Listener<BusEvents[K]>[] } = {};

  /**
   * Listeners run in the order they were added; `first` puts one ahead of all the others (the live stream: the
   * hall's screens should not wait behind device commands written in the same tick).
   */
  on<K extends keyof BusEvents>(name: K, fn: Listener<BusEvents[K]>, opts: { first?: boolean } = {}): () => void {
    const list = (this.listeners[name] ??= []) as Listener<BusEvents[K]>[];
    if (opts.first) list.unshift(fn);
    else list.push(fn);
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends keyof BusEvents>(name: K, payload: BusEvents[K]): void {
    const list = this.listeners[name] as Listener<BusEvents[K]>[] | undefined;
    if (!list) return;
    for (const fn of [...list]) {
      try {
        fn(payload);
      } catch (err) {
        log.error('bus listener failed', { event: name, error: (err as Error).message });
      }
    }
  }
}
