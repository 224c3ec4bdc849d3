/** What the outside sees of the hall: tickets, counters, the hall board, and stream events, per audience. */
import type { HallFile } from '../config/hall-schema.js';
import { issuingWindow } from '../domain/calendar.js';
import { servedElsewhere, waitingOwedToday } from '../domain/decide/closing.js';
import { positionOf, queueSummary } from '../domain/eta.js';
import { unhandledEvent, type EventOf } from '../domain/events.js';
import { playbookEffects, showsThePublic } from '../domain/playbooks.js';
import type { Appointment, Call, EmergencyState, HallState, Ticket } from '../domain/types.js';
import type { DeviceKind } from '../../protocol/codes.js';
import type { CallView, CounterView, EmergencyView, HallView } from '../../protocol/hall.js';
import type { StreamEvent } from '../../protocol/stream.js';
import type { TicketView } from '../../protocol/tickets.js';
import type { CommittedEvent } from './event-bus.js';
import { headlineFor, playbookIdOf, playbooksStateView } from './playbook-views.js';

export type { TicketView };

/** Who is looking: anyone in the hall, a hall device (kiosk, display, pad), or staff (counter, manager). */
export type Audience = 'public' | 'device' | 'staff';

/** The audience of a token's role (no token: public). */
export function audienceOf(role: string | undefined): Audience {
  if (!role) return 'public';
  return role === 'manager' || role === 'counter' ? 'staff' : 'device';
}

const iso = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * A ticket. `verifyCode` only for whoever issued or serves it; `holderView` is the page behind the QR code, which
 * anyone holding the paper may open: no free-text priority reason, no phone.
 */
export function ticketView(
  hall: HallFile,
  state: HallState,
  t: Ticket,
  opts: { verifyCode: boolean; holderView?: boolean },
): TicketView {
  const pos = positionOf(hall, state, t);
  return {
    id: t.id,
    number: t.number,
    serviceId: t.serviceId,
    serviceName: hall.services.find((s) => s.id === t.serviceId)?.name ?? t.serviceId,
    status: t.status,
    priority: t.priority,
    priorityReason: opts.holderView ? undefined : t.priorityReason,
    channel: t.channel,
    issuedAt: iso(t.issuedAt)!,
    position: pos?.position ?? null,
    ahead: pos?.ahead ?? null,
    etaMinutes: pos?.etaMinutes ?? null,
    verifyCode: opts.verifyCode ? t.verifyCode : undefined,
    counterId: t.counterId,
    counterName: t.counterId ? hall.counters.find((c) => c.id === t.counterId)?.name : undefined,
    calledAt: iso(t.calledAt),
    startedAt: iso(t.startedAt),
    finishedAt: iso(t.finishedAt),
    recalls: t.recalls,
    late: t.late,
    appointmentId: t.appointmentId,
    outOfTurn: t.outOfTurn,
    phone: opts.holderView ? undefined : t.phoneMasked,
    idBound: opts.holderView ? undefined : t.identity !== undefined,
    rated: t.status === 'done' ? t.rating !== undefined : undefined,
    offeredSlot: offeredSlotView(state, t),
  };
}

/** The slot a ticket was offered when extended service ended; gone once freed (the ticket was served after all). */
function offeredSlotView(state: HallState, t: Ticket) {
  if (!t.offeredSlot) return undefined;
  const booking = state.appointments.get(t.offeredSlot.appointmentId);
  if (booking?.status === 'cancelled') return undefined;
  return {
    slotStart: iso(t.offeredSlot.slotStart)!,
    slotEnd: iso(t.offeredSlot.slotEnd)!,
    code: booking?.code ?? '',
  };
}

export function appointmentView(a: Appointment) {
  return {
    id: a.id,
    code: a.code,
    serviceId: a.serviceId,
    slotStart: iso(a.slotStart),
    slotEnd: iso(a.slotEnd),
    status: a.status,
    name: a.nameMasked,
    phone: a.phoneMasked,
    ticketId: a.ticketId,
    createdAt: iso(a.createdAt),
    bookingId: a.bookingId,
  };
}

/** The active playbook; the manager's free-text note only for staff (the public board shows the banner). */
type PlaybookEvent = EventOf<'playbook.activated'> | EventOf<'playbook.deactivated'> | EventOf<'playbook.acknowledged'>;

export function emergencyView(e: EmergencyState | null, audience: Audience = 'public') {
  if (!e) return null;
  return {
    playbookId: e.playbookId,
    name: e.name,
    banner: e.banner ?? null,
    issuing: e.issuing,
    activatedAt: iso(e.activatedAt)!,
    note: audience === 'staff' ? e.note : undefined,
    drill: e.drill ?? false,
    banners:
      e.banners ?? (e.banner ? [{ playbookId: e.playbookId, text: e.banner, severity: 'medium', drill: false }] : []),
    frozen: e.frozen ?? false,
    activeIds: e.activeIds ?? [e.playbookId],
  } satisfies EmergencyView;
}

export function callView(hall: HallFile, c: Call) {
  return {
    number: c.number,
    serviceId: c.serviceId,
    counterId: c.counterId,
    counterName: hall.counters.find((x) => x.id === c.counterId)?.name ?? c.counterId,
    at: iso(c.at)!,
    recall: c.recall,
    outOfTurn: c.outOfTurn ?? null,
    green: c.green === true,
  } satisfies CallView;
}

/** Counters as the hall sees them; staff names only for hall devices and staff (the public board shows none). */
export function counterViews(hall: HallFile, state: HallState, audience: Audience = 'staff'): CounterView[] {
  return hall.counters.map((def) => counterView(def, state, audience));
}

/** One counter of the hall file as counterViews shows it (a counter action's answer needs only its own). */
export function counterView(
  def: HallFile['counters'][number],
  state: HallState,
  audience: Audience = 'staff',
): CounterView {
  const c = state.counters.get(def.id)!;
  const t = c.currentTicketId ? state.tickets.get(c.currentTicketId) : undefined;
  return {
    id: def.id,
    name: def.name,
    status: c.status,
    pauseReason: c.pauseReason ?? null,
    current: t?.number ?? null,
    currentStatus: t?.status ?? null,
    serviceId: t?.serviceId ?? null,
    calledAt: iso(t?.calledAt) ?? null,
    staffName: audience === 'public' ? null : (c.staffName ?? null),
    tags: def.tags,
    greenLane: def.greenLane,
    services: def.services,
  };
}

/** GET /hall and the stream's snapshot: never personal data. */
export function hallView(
  hallFile: HallFile,
  state: HallState,
  now: number,
  alwaysOpen: boolean,
  audience: Audience = 'public',
) {
  const queues = queueSummary(hallFile, state);
  const window = issuingWindow({ hallFile, alwaysOpen }, now);
  return {
    id: hallFile.hall.id,
    name: hallFile.hall.name,
    nameEn: hallFile.hall.nameEn,
    timezone: hallFile.hall.timezone,
    languages: hallFile.hall.languages,
    day: state.day,
    policy: { elderlyAge: hallFile.policy.elderlyAge },
    issuing: {
      open: window.open && state.emergency?.issuing !== 'paused',
      withinHours: window.open,
      mode: state.emergency?.issuing ?? 'normal',
      nextOpenAt: !window.open && window.nextOpenAt ? iso(window.nextOpenAt)! : null,
    },
    services: hallFile.services.map((s) => ({
      id: s.id,
      prefix: s.prefix,
      name: s.name,
      nameEn: s.nameEn,
      waiting: queues[s.id].waiting,
      etaMinutes: queues[s.id].etaMinutes,
      materials: s.materials,
      deadlineWorkdays: s.deadlineWorkdays ?? null,
      needsCounter: waitingOwedToday(hallFile, state, s.id) > 0 && !servedElsewhere(hallFile, state, s.id, now),
    })),
    counters: counterViews(hallFile, state, audience),
    emergency: emergencyView(headlineFor(state, audience), audience),
    playbooks: playbooksStateView(state, audience),
    extendedService:
      state.extendedService?.day === state.day && !state.extendedService.ended
        ? { until: iso(state.extendedService.until)! }
        : null,
    recentCalls: state.recentCalls.slice(0, 10).map((c) => callView(hallFile, c)),
  } satisfies HallView;
}

/** A committed event as one audience may see it. Personal data never appears; ids only for hall devices and staff. */
/** Whether the playbook an event is about shows anything to the public (one not in the hall file, a city's, does). */
function isPublicPlaybook(hall: HallFile, e: PlaybookEvent): boolean {
  if (e.type === 'playbook.activated') return showsThePublic(e.data.playbook.effects);
  const def = hall.playbooks.find((p) => p.id === e.data.playbookId);
  return !def || showsThePublic(playbookEffects(def));
}

export function streamEvent(hall: HallFile, state: HallState, c: CommittedEvent, audience: Audience): StreamEvent {
  const e = c.event;
  const at = iso(c.at)!;
  const withIds = audience !== 'public';
  const ticketOf = (id: string) => {
    const t = c.ticket?.id === id ? c.ticket : state.tickets.get(id);
    if (!t) return undefined;
    return {
      id: withIds ? t.id : undefined,
      number: t.number,
      serviceId: t.serviceId,
      status: t.status,
      priority: t.priority,
      counterId: t.counterId,
      outOfTurn: t.outOfTurn,
      recalls: t.recalls,
      verifyCode: audience === 'staff' ? t.verifyCode : undefined,
    };
  };
  switch (e.type) {
    case 'ticket.issued':
      return { type: e.type, at, ticket: ticketOf(e.data.ticket.id) };
    case 'ticket.called':
      return {
        type: e.type,
        at,
        counterId: e.data.counterId,
        outOfTurn: e.data.outOfTurn ? { category: e.data.outOfTurn.category } : null,
        ticket: ticketOf(e.data.ticketId),
      };
    case 'ticket.recalled':
    case 'ticket.started':
    case 'ticket.finished':
    case 'ticket.no_show':
      return { type: e.type, at, counterId: e.data.counterId, ticket: ticketOf(e.data.ticketId) };
    case 'ticket.reinstated':
    case 'ticket.cancelled':
    case 'ticket.slot_offered':
      return { type: e.type, at, ticket: ticketOf(e.data.ticketId) };
    case 'ticket.transferred':
      return {
        type: e.type,
        at,
        fromServiceId: e.data.fromServiceId,
        toServiceId: e.data.toServiceId,
        counterId: e.data.counterId,
        ticket: ticketOf(e.data.ticketId),
      };
    case 'counter.status': {
      const { pauseReason, status, counterId, change, staffName } = e.data;
      return {
        type: e.type,
        at,
        counterId,
        status,
        pauseReason: pauseReason ?? null,
        change,
        staffName: withIds ? (staffName ?? null) : null,
      };
    }
    case 'emergency.changed':
      return { type: e.type, at, active: emergencyView(e.data.active, audience), previous: e.data.previous ?? null };
    case 'ticket.pending_system':
    case 'ticket.caught_up':
      return { type: e.type, at, ticketId: withIds ? e.data.ticketId : undefined };
    // v2 playbook events reach screens as `emergency.changed` carrying the headline and the whole active set now.
    case 'playbook.activated':
    case 'playbook.deactivated':
    case 'playbook.acknowledged': {
      // A playbook with nothing public (a fight, a petition) is not named to anyone but staff.
      const named = audience === 'staff' || isPublicPlaybook(hall, e);
      return {
        type: 'emergency.changed',
        at,
        active: emergencyView(headlineFor(state, audience), audience),
        previous: e.type === 'playbook.deactivated' && named ? e.data.playbookId : null,
        change: named
          ? { kind: e.type.slice('playbook.'.length) as 'activated', playbookId: playbookIdOf(e) }
          : undefined,
        playbooks: playbooksStateView(state, audience),
      };
    }
    case 'hall.day_started':
    case 'day.numbers_reserved':
      return { type: e.type, at, day: e.data.day };
    case 'counter.takeover_requested':
      return {
        type: e.type,
        at,
        counterId: e.data.counterId,
        reason: e.data.reason,
        waiting: e.data.waiting,
        backupStaff: audience === 'staff' ? e.data.backupStaff : undefined,
      };
    case 'hall.extended_service':
      return { type: e.type, at, phase: e.data.phase, until: iso(e.data.until)! };
    case 'appointment.created':
      return {
        type: e.type,
        at,
        serviceId: e.data.appointment.serviceId,
        appointmentId: withIds ? e.data.appointment.id : undefined,
      };
    case 'appointment.checked_in':
    case 'appointment.cancelled':
    case 'appointment.no_show':
      return { type: e.type, at, appointmentId: withIds ? e.data.appointmentId : undefined };
    case 'evaluation.recorded':
      return {
        type: e.type,
        at,
        counterId: e.data.counterId,
        score: e.data.score,
        ticketId: withIds ? e.data.ticketId : undefined,
      };
    case 'followup.opened':
      return {
        type: e.type,
        at,
        followUpId: withIds ? e.data.followUp.id : undefined,
        counterId: e.data.followUp.counterId,
        score: e.data.followUp.score,
      };
    case 'followup.answered':
      return { type: e.type, at, followUpId: withIds ? e.data.id : undefined };
    case 'device.status':
      return {
        type: e.type,
        at,
        deviceId: e.data.deviceId,
        kind: e.data.kind as DeviceKind,
        online: e.data.online,
        status: e.data.status ?? null,
      };
    case 'case.opened':
      return {
        type: e.type,
        at,
        caseId: withIds ? e.data.case.id : undefined,
        counterId: e.data.case.counterId,
        serviceId: e.data.case.serviceId,
        dueOn: e.data.case.dueOn,
      };
    case 'case.completed':
      return { type: e.type, at, caseId: withIds ? e.data.caseId : undefined };
    case 'prereview.submitted':
      return {
        type: e.type,
        at,
        prereviewId: withIds ? e.data.prereview.id : undefined,
        serviceId: e.data.prereview.serviceId,
        dueAt: iso(e.data.prereview.dueAt)!,
      };
    case 'prereview.answered':
      return { type: e.type, at, prereviewId: withIds ? e.data.id : undefined };
    case 'homevisit.booked':
      return {
        type: e.type,
        at,
        visitId: withIds ? e.data.visit.id : undefined,
        serviceId: e.data.visit.serviceId,
        date: e.data.visit.date,
      };
    case 'homevisit.closed':
      return { type: e.type, at, visitId: withIds ? e.data.id : undefined, status: e.data.status };
    case 'hall.amended': {
      const a = e.data.amendment;
      return { type: e.type, at, kind: a.kind, serviceId: a.kind === 'materials' ? a.serviceId : undefined };
    }
    case 'staff.contact_set':
      return { type: e.type, at, staffId: audience === 'staff' ? e.data.staffId : undefined };
    default:
      return unhandledEvent(e); // a new event type needs its view here before it may be streamed
  }
}
