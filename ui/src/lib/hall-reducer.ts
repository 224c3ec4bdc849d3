/**
 * The hall view's reducer: a stream event in, the next view out (a new object; the old one is left as it was), and
 * whether GET /hall must be asked again. Calls, counters and the emergency follow from events; waiting counts and
 * waits only from the server (it alone knows the estimate), so queue events ask for a refresh. Pure: no I/O, no clock.
 */
import type { CounterView, HallView } from '../protocol/hall.js';
import type { StreamEvent, StreamEventType } from '../protocol/stream.js';

/** After an event: nothing to fetch, the queues (services and issuing) from GET /hall, or the whole view (a new day). */
export type Refresh = 'none' | 'queues' | 'everything';

export interface Reduced {
  view: HallView;
  refresh: Refresh;
}

/** Calls kept on the client (the server's snapshot holds 10). */
export const RECENT_CALLS_KEPT = 20;

const QUEUE_EVENTS: ReadonlySet<StreamEventType> = new Set<StreamEventType>([
  'ticket.issued',
  'ticket.called',
  'ticket.transferred',
  'ticket.reinstated',
  'ticket.cancelled',
  'ticket.finished',
  'ticket.no_show',
  'counter.status',
  'appointment.checked_in',
  'emergency.changed',
  // The city amended a service's materials: the services come again from GET /hall.
  'hall.amended',
]);

const IDLE = { current: null, currentStatus: null, serviceId: null, calledAt: null } as const;

/** The view after `e`, and what to refetch. */
export function reduceHall(view: HallView, e: StreamEvent): Reduced {
  const next = nextView(view, e);
  const refresh: Refresh = e.type === 'hall.day_started' ? 'everything' : QUEUE_EVENTS.has(e.type) ? 'queues' : 'none';
  return { view: next, refresh };
}

/** GET /hall's answer folded into the view: services, issuing, day and extended service, or all of it when `everything`. */
export function withFresh(view: HallView | null, fresh: HallView, everything: boolean): HallView {
  if (!view || everything) return fresh;
  return {
    ...view,
    services: fresh.services,
    issuing: fresh.issuing,
    day: fresh.day,
    extendedService: fresh.extendedService,
  };
}

function nextView(v: HallView, e: StreamEvent): HallView {
  switch (e.type) {
    case 'ticket.issued': {
      const serviceId = e.ticket?.serviceId;
      return { ...v, services: v.services.map((s) => (s.id === serviceId ? { ...s, waiting: s.waiting + 1 } : s)) };
    }
    case 'ticket.called':
    case 'ticket.recalled': {
      const ticket = e.ticket;
      const counter = v.counters.find((c) => c.id === e.counterId);
      if (!ticket || !counter) return v;
      const recall = e.type === 'ticket.recalled';
      const services = recall
        ? v.services
        : v.services.map((s) => (s.id === ticket.serviceId && s.waiting > 0 ? { ...s, waiting: s.waiting - 1 } : s));
      const outOfTurn = e.type === 'ticket.recalled' ? (ticket.outOfTurn ?? null) : e.outOfTurn;
      const call = {
        number: ticket.number,
        serviceId: ticket.serviceId,
        counterId: counter.id,
        counterName: counter.name,
        at: e.at,
        recall,
        outOfTurn,
        green: ticket.priority === 'green',
      };
      return {
        ...v,
        services,
        counters: patchCounter(v, counter.id, {
          current: ticket.number,
          currentStatus: 'called',
          serviceId: ticket.serviceId,
          calledAt: e.at,
        }),
        recentCalls: [call, ...v.recentCalls].slice(0, RECENT_CALLS_KEPT),
      };
    }
    case 'ticket.started':
      return { ...v, counters: patchCounter(v, e.counterId, { currentStatus: 'serving' }) };
    case 'ticket.finished':
    case 'ticket.no_show':
    case 'ticket.transferred': {
      const counter = v.counters.find((c) => c.id === e.counterId);
      if (!counter || (e.ticket && counter.current !== e.ticket.number)) return v;
      return { ...v, counters: patchCounter(v, counter.id, IDLE) };
    }
    case 'counter.status':
      return {
        ...v,
        counters: patchCounter(v, e.counterId, {
          status: e.status,
          pauseReason: e.pauseReason ?? null,
          staffName: e.staffName ?? null,
        }),
      };
    case 'hall.extended_service':
      return { ...v, extendedService: e.phase === 'started' ? { until: e.until } : null };
    case 'emergency.changed': {
      const emergency = e.active ?? null;
      const mode = emergency?.issuing ?? 'normal';
      return {
        ...v,
        emergency,
        // v2: the whole active set (the headline alone in `emergency`).
        ...(e.playbooks ? { playbooks: e.playbooks } : {}),
        issuing: { ...v.issuing, mode, open: v.issuing.withinHours && mode !== 'paused' },
      };
    }
    default:
      return v;
  }
}

function patchCounter(v: HallView, id: string | undefined, patch: Partial<CounterView>): CounterView[] {
  return v.counters.map((c) => (c.id === id ? { ...c, ...patch } : c));
}
