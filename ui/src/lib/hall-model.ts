/**
 * The hall as screens see it (GET /hall and the stream's snapshot), kept current by the stream's events through the
 * pure reducer (hall-reducer.ts); the refetches of GET /hall it asks for are debounced here.
 */
import { Api } from './api.js';
import type { CounterView, HallView, ServiceView } from '../protocol/hall.js';
import type { StreamEvent } from '../protocol/stream.js';
import { reduceHall, withFresh } from './hall-reducer.js';
import { LiveStream, type StreamStatus } from './stream.js';

export type { CallView, CounterView, EmergencyView, HallView, ServiceView } from '../protocol/hall.js';

export type Change =
  | { kind: 'snapshot' }
  | { kind: 'event'; event: StreamEvent }
  | { kind: 'refresh' }
  /** Managers only: a trigger's proposals changed (they are not in the view: GET /emergency). */
  | { kind: 'proposals' };

export class HallModel {
  view: HallView | null = null;
  status: StreamStatus = 'connecting';
  readonly stream: LiveStream;
  private readonly listeners = new Set<(c: Change) => void>();
  private readonly statusListeners = new Set<(s: StreamStatus) => void>();
  private refreshTimer?: number;
  private refreshing = false;
  private refreshAgain = false;
  /** A refresh must replace the whole view (a new hall day): kept until a refresh that does so succeeds. */
  private refreshEverything = false;

  constructor(
    private readonly api: Api,
    token: string | null = null,
    /** The token was revoked (the stream closed with 4401): the screen logs in again. */
    onRevoked?: () => void,
  ) {
    this.stream = new LiveStream(
      {
        onSnapshot: (state) => {
          this.view = state;
          this.emit({ kind: 'snapshot' });
        },
        onEvent: (e) => this.apply(e),
        onStatus: (s) => {
          this.status = s;
          for (const fn of this.statusListeners) fn(s);
        },
        onRevoked,
        onProposalsChanged: () => this.emit({ kind: 'proposals' }),
      },
      token,
    );
  }

  start(): this {
    this.stream.start();
    this.scheduleRefresh(0); // also learns the server's clock
    // Waits drift as time passes even without events.
    setInterval(() => this.scheduleRefresh(0), 60_000);
    return this;
  }

  onChange(fn: (c: Change) => void): void {
    this.listeners.add(fn);
  }

  onStatus(fn: (s: StreamStatus) => void): void {
    this.statusListeners.add(fn);
  }

  service(id: string | null | undefined): ServiceView | undefined {
    return this.view?.services.find((s) => s.id === id);
  }

  counter(id: string | null | undefined): CounterView | undefined {
    return this.view?.counters.find((c) => c.id === id);
  }

  private emit(c: Change): void {
    for (const fn of this.listeners) {
      try {
        fn(c);
      } catch (err) {
        console.error(err);
      }
    }
  }

  private apply(e: StreamEvent): void {
    if (!this.view) return;
    const { view, refresh } = reduceHall(this.view, e);
    this.view = view;
    if (refresh === 'everything') this.scheduleRefresh(0, true);
    this.emit({ kind: 'event', event: e });
    if (refresh === 'queues') this.scheduleRefresh();
  }

  /** Refetches GET /hall soon; takes services and issuing from it (or everything after a new hall day). */
  scheduleRefresh(delay = 250, everything = false): void {
    // A later, plainer request never cancels a wanted full refresh: the flag stays until one runs.
    if (everything) this.refreshEverything = true;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delay) as unknown as number;
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    const everything = this.refreshEverything;
    this.refreshEverything = false;
    try {
      const fresh = await this.api.get<HallView>('/hall');
      this.view = withFresh(this.view, fresh, everything);
      this.emit({ kind: 'refresh' });
    } catch {
      // The next event or the minute timer tries again, still replacing everything if that was wanted.
      if (everything) this.refreshEverything = true;
    } finally {
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.scheduleRefresh(100);
      }
    }
  }
}
