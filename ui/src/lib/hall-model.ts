/**
 * The hall as screens see it (GET /hall and the stream's snapshot), kept current by the stream's events. Calls,
 * counters and the emergency come straight from events; waiting counts and waits are refetched (debounced) from
 * GET /hall, since only the server knows the estimate.
 */
import { Api } from './api.js';
import { LiveStream, type StreamEvent, type StreamStatus } from './stream.js';

export interface ServiceView {
  id: string;
  prefix: string;
  name: string;
  nameEn?: string;
  waiting: number;
  etaMinutes: number;
  materials: string[];
  deadlineWorkdays: number | null;
}

export interface CounterView {
  id: string;
  name: string;
  status: 'open' | 'paused' | 'closed';
  pauseReason: string | null;
  current: string | null;
  currentStatus: string | null;
  serviceId: string | null;
  calledAt: string | null;
  staffName: string | null;
  tags?: string[];
  greenLane?: boolean;
  services: string[][];
}

export interface CallView {
  number: string;
  serviceId: string;
  counterId: string;
  counterName: string;
  at: string;
  recall: boolean;
  outOfTurn: { category: string } | null;
}

export interface EmergencyView {
  playbookId: string;
  name: string;
  banner: string | null;
  issuing: 'normal' | 'appointments-only' | 'paused';
  activatedAt: string;
  note?: string;
}

export interface HallView {
  id: string;
  name: string;
  nameEn?: string;
  timezone: string;
  languages: string[];
  day: string;
  issuing: { open: boolean; withinHours: boolean; mode: string; nextOpenAt: string | null };
  services: ServiceView[];
  counters: CounterView[];
  emergency: EmergencyView | null;
  recentCalls: CallView[];
  tickets?: any[];
}

export type Change = { kind: 'snapshot' } | { kind: 'event'; event: StreamEvent } | { kind: 'refresh' };

const QUEUE_EVENTS = new Set([
  'ticket.issued',
  'ticket.called',
  'ticket.transferred',
  'ticket.reinstated',
  'ticket.cancelled',
  'ticket.finished',
  'ticket.no_show',
  'counter.status',
  'appointment.checked_in',
]);

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
  ) {
    this.stream = new LiveStream(
      {
        onSnapshot: (state) => {
          this.view = state as HallView;
          this.emit({ kind: 'snapshot' });
        },
        onEvent: (e) => this.apply(e),
        onStatus: (s) => {
          this.status = s;
          for (const fn of this.statusListeners) fn(s);
        },
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
    const v = this.view;
    if (!v) return;
    const counter = e.counterId ? v.counters.find((c) => c.id === e.counterId) : undefined;
    const ticket = e.ticket as { number: string; serviceId: string; status: string; outOfTurn?: { category: string } } | undefined;
    switch (e.type) {
      case 'ticket.issued': {
        const s = ticket && v.services.find((x) => x.id === ticket.serviceId);
        if (s) s.waiting++;
        break;
      }
      case 'ticket.called':
      case 'ticket.recalled': {
        if (!ticket || !counter) break;
        const recall = e.type === 'ticket.recalled';
        if (!recall) {
          const s = v.services.find((x) => x.id === ticket.serviceId);
          if (s && s.waiting > 0) s.waiting--;
        }
        Object.assign(counter, { current: ticket.number, currentStatus: 'called', serviceId: ticket.serviceId, calledAt: e.at ?? new Date().toISOString() });
        const outOfTurn = recall ? (ticket.outOfTurn ?? null) : (e.outOfTurn ?? null);
        v.recentCalls = [
          { number: ticket.number, serviceId: ticket.serviceId, counterId: counter.id, counterName: counter.name, at: e.at ?? new Date().toISOString(), recall, outOfTurn },
          ...v.recentCalls,
        ].slice(0, 20);
        break;
      }
      case 'ticket.started':
        if (counter) counter.currentStatus = 'serving';
        break;
      case 'ticket.finished':
      case 'ticket.no_show':
        if (counter && (!ticket || counter.current === ticket.number)) Object.assign(counter, { current: null, currentStatus: null, serviceId: null, calledAt: null });
        break;
      case 'ticket.transferred':
        if (counter && (!ticket || counter.current === ticket.number)) Object.assign(counter, { current: null, currentStatus: null, serviceId: null, calledAt: null });
        break;
      case 'counter.status':
        if (counter) {
          counter.status = e.status;
          counter.pauseReason = e.pauseReason ?? null;
          if ('staffName' in e) counter.staffName = e.staffName ?? null;
        }
        break;
      case 'emergency.changed':
        v.emergency = e.active ?? null;
        if (v.emergency) v.issuing = { ...v.issuing, mode: v.emergency.issuing, open: v.issuing.withinHours && v.emergency.issuing !== 'paused' };
        else v.issuing = { ...v.issuing, mode: 'normal', open: v.issuing.withinHours };
        break;
      case 'hall.day_started':
        this.scheduleRefresh(0, true);
        break;
    }
    this.emit({ kind: 'event', event: e });
    if (QUEUE_EVENTS.has(e.type) || e.type === 'emergency.changed') this.scheduleRefresh();
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
      if (!this.view || everything) this.view = fresh;
      else {
        this.view.services = fresh.services;
        this.view.issuing = fresh.issuing;
        this.view.day = fresh.day;
      }
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
