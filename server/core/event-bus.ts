/** A typed in-process bus: features listen here for committed events; one failing listener cannot break the others. */
import type { HallEvent } from '../domain/events.js';
import { log } from '../log.js';

/** A committed state event with its place in the log and in the live stream. */
export interface CommittedEvent {
  seq: number;
  streamSeq: number;
  at: number;
  actor: string;
  event: HallEvent;
}

export interface BusEvents {
  committed: CommittedEvent[];
}

type Listener<T> = (payload: T) => void;

export class EventBus {
  private readonly listeners: { [K in keyof BusEvents]?: Set<Listener<BusEvents[K]>> } = {};

  on<K extends keyof BusEvents>(name: K, fn: Listener<BusEvents[K]>): () => void {
    const set = (this.listeners[name] ??= new Set()) as Set<Listener<BusEvents[K]>>;
    set.add(fn);
    return () => set.delete(fn);
  }

  emit<K extends keyof BusEvents>(name: K, payload: BusEvents[K]): void {
    const set = this.listeners[name] as Set<Listener<BusEvents[K]>> | undefined;
    if (!set) return;
    for (const fn of set) {
      try {
        fn(payload);
      } catch (err) {
        log.error('bus listener failed', { event: name, error: (err as Error).message });
      }
    }
  }
}
