/** The hall's state and how each recorded event changes it. apply() is the only writer of HallState. */
import type { HallFile } from '../config/hall-schema.js';
import { avgServiceMs, nextAverage } from './eta.js';
import { addByIdentity, addWaiting, removeWaiting } from './queue-index.js';
import { unhandledEvent, type HallEvent } from './events.js';
import { withAmendment } from './hall-amendments.js';
import { activeFromV1, activePlaybooks, isQueueFrozen, setActivePlaybooks } from './playbooks.js';
import { keepRunningFreeze, noteFreeze } from './queue-freezes.js';
import { CASES_KEPT_DAYS, RECENT_CALLS_KEPT, type Call, type Counter, type HallState, type Ticket } from './types.js';

export function initialState(hall: HallFile, day: string): HallState {
  return {
    day,
    tickets: new Map(),
    sequences: {},
    ordinal: 0,
    issuedPerIdentity: {},
    counters: new Map(hall.counters.map((c) => [c.id, { id: c.id, status: 'closed' } satisfies Counter])),
    appointments: new Map(),
    emergency: null,
    playbooks: [],
    avgServiceMs: {},
    recentCalls: [],
    followUps: new Map(),
    cases: new Map(),
    prereviews: new Map(),
    homeVisits: new Map(),
    queues: new Map(),
    byIdentity: new Map(),
  };
}

function ticket(state: HallState, id: string): Ticket {
  const t = state.tickets.get(id);
  if (!t) throw new Error(`event refers to unknown ticket ${id}`);
  return t;
}

function counter(state: HallState, id: string): Counter {
  let c = state.counters.get(id);
  if (!c) {
    // A counter removed from the hall file still has history in the log.
    c = { id, status: 'closed' };
    state.counters.set(id, c);
  }
  return c;
}

function releaseCounter(state: HallState, ticketId: string, counterId?: string): void {
  if (!counterId) return;
  const c = counter(state, counterId);
  if (c.currentTicketId === ticketId) c.currentTicketId = undefined;
}

function pushCall(state: HallState, call: Call): void {
  state.recentCalls.unshift(call);
  if (state.recentCalls.length > RECENT_CALLS_KEPT) state.recentCalls.length = RECENT_CALLS_KEPT;
}

/** Completed cases leave the live state CASES_KEPT_DAYS after completion; open ones stay until completed. */
function dropOldCases(state: HallState, at: number): void {
  const cutoff = at - CASES_KEPT_DAYS * 86_400_000;
  for (const [id, k] of state.cases) if (k.completedAt !== undefined && k.completedAt < cutoff) state.cases.delete(id);
}

/** Applies one committed event. Deterministic: replaying the log gives the same state. */
export function apply(hall: HallFile, state: HallState, event: HallEvent): void {
  switch (event.type) {
    case 'hall.day_started': {
      const { day, at } = event.data;
      state.day = day;
      // Yesterday's leftovers are recorded as expired in the same event; only today's tickets stay in memory.
      state.tickets.clear();
      state.queues.clear();
      state.byIdentity.clear();
      state.sequences = state.reservedNumbers?.day === day ? { ...state.reservedNumbers.sequences } : {};
      if (state.reservedNumbers && state.reservedNumbers.day <= day) state.reservedNumbers = undefined;
      state.issuedPerIdentity = {};
      state.recentCalls = [];
      state.extendedService = undefined;
      keepRunningFreeze(state);
      // A new day starts with every counter closed and nobody signed in: staff sign in again.
      for (const c of state.counters.values()) {
        c.currentTicketId = undefined;
        c.status = 'closed';
        c.pauseReason = undefined;
        c.staffId = undefined;
        c.staffName = undefined;
        c.pausedAt = undefined;
        c.takeoverAskedAt = undefined;
      }
      for (const [id, a] of state.appointments)
        if (a.status !== 'booked' || a.slotEnd < at) state.appointments.delete(id);
      for (const [id, f] of state.followUps) if (f.answeredAt) state.followUps.delete(id);
      dropOldCases(state, at);
      for (const [id, r] of state.prereviews) if (r.answeredAt) state.prereviews.delete(id);
      for (const [id, v] of state.homeVisits) if (v.status !== 'booked' && v.date < day) state.homeVisits.delete(id);
      return;
    }
    case 'ticket.issued': {
      const t = { ...event.data.ticket };
      state.tickets.set(t.id, t);
      if (t.status === 'waiting') addWaiting(state.queues, t);
      addByIdentity(state.byIdentity, t);
      const prefix = t.number.replace(/\d+$/, '');
      state.sequences[prefix] = Math.max(state.sequences[prefix] ?? 0, Number(t.number.slice(prefix.length)));
      state.ordinal = Math.max(state.ordinal, t.key.ordinal);
      state.issueClock = Math.max(state.issueClock ?? 0, t.queuedAt ?? t.issuedAt);
      if (t.identity) state.issuedPerIdentity[t.identity] = (state.issuedPerIdentity[t.identity] ?? 0) + 1;
      return;
    }
    case 'ticket.called': {
      const { ticketId, counterId, staffId, at, outOfTurn } = event.data;
      const t = ticket(state, ticketId);
      if (t.status === 'waiting') removeWaiting(state.queues, t);
      t.status = 'called';
      t.counterId = counterId;
      t.staffId = staffId;
      t.calledAt = at;
      t.recalls = 0;
      t.outOfTurn = outOfTurn ? { category: outOfTurn.category } : undefined;
      counter(state, counterId).currentTicketId = ticketId;
      pushCall(state, {
        ticketId,
        number: t.number,
        serviceId: t.serviceId,
        counterId,
        at,
        recall: false,
        outOfTurn: t.outOfTurn,
        ...(t.priority === 'green' ? { green: true as const } : {}),
      });
      return;
    }
    case 'ticket.recalled': {
      const { ticketId, counterId, at, recalls } = event.data;
      const t = ticket(state, ticketId);
      t.recalls = recalls;
      pushCall(state, {
        ticketId,
        number: t.number,
        serviceId: t.serviceId,
        counterId,
        at,
        recall: true,
        outOfTurn: t.outOfTurn,
        ...(t.priority === 'green' ? { green: true as const } : {}),
      });
      return;
    }
    case 'ticket.started': {
      const t = ticket(state, event.data.ticketId);
      t.status = 'serving';
      t.startedAt = event.data.at;
      return;
    }
    case 'ticket.finished': {
      const { ticketId, counterId, at, serviceMs, staffId } = event.data;
      const t = ticket(state, ticketId);
      t.status = 'done';
      t.finishedAt = at;
      if (staffId) t.staffId = staffId; // taken over: the rating and the figures are the finisher's
      state.avgServiceMs[t.serviceId] = nextAverage(avgServiceMs(hall, state, t.serviceId), serviceMs);
      releaseCounter(state, ticketId, counterId);
      const counter = state.counters.get(counterId);
      if (counter) counter.lastFinishedTicketId = ticketId;
      return;
    }
    case 'ticket.no_show': {
      const { ticketId, counterId, at } = event.data;
      const t = ticket(state, ticketId);
      t.status = 'no_show';
      t.noShowAt = at;
      releaseCounter(state, ticketId, counterId);
      return;
    }
    case 'ticket.reinstated': {
      const t = ticket(state, event.data.ticketId);
      t.status = 'waiting';
      t.reinstated = true;
      t.key = { ...event.data.key };
      addWaiting(state.queues, t);
      t.counterId = undefined;
      t.staffId = undefined;
      t.outOfTurn = undefined;
      return;
    }
    case 'ticket.transferred': {
      const { ticketId, toServiceId, counterId, at } = event.data;
      const t = ticket(state, ticketId);
      const from = counterId ?? t.counterId;
      if (from && t.calledAt !== undefined && t.status !== 'waiting')
        t.lastTransfer = { counterId: from, at, calledAt: t.calledAt };
      releaseCounter(state, ticketId, from);
      if (t.status === 'waiting') removeWaiting(state.queues, t);
      t.status = 'waiting';
      t.serviceId = toServiceId;
      t.transfers += 1;
      addWaiting(state.queues, t);
      t.counterId = undefined;
      t.staffId = undefined;
      t.outOfTurn = undefined;
      return;
    }
    case 'ticket.cancelled': {
      const t = ticket(state, event.data.ticketId);
      releaseCounter(state, t.id, t.counterId);
      if (t.status === 'waiting') removeWaiting(state.queues, t);
      t.status = 'cancelled';
      return;
    }
    case 'counter.status': {
      const { counterId, status, pauseReason, staffId, staffName } = event.data;
      const c = counter(state, counterId);
      c.status = status;
      c.pauseReason = status === 'paused' ? pauseReason : undefined;
      c.staffId = staffId;
      c.staffName = staffName;
      // A pause starts the A/B post clock, and so does a sign-in at a paused counter (someone is there now: a backup,
      // or the clerk back at the counter-pick screen); a counter that is no longer paused has none. Clearing it on a
      // sign-in left a paused counter counting as serving for good (QA-N).
      const restarts = event.data.change === 'pause' || event.data.change === 'sign-in';
      c.pausedAt = status !== 'paused' ? undefined : restarts || c.pausedAt === undefined ? event.data.at : c.pausedAt;
      c.takeoverAskedAt = undefined;
      // Any later change (staff signing in, a pause) makes it the staff's: a playbook's end leaves it open.
      c.openedByPlaybook = event.data.byPlaybook;
      if (staffId) {
        // One staff member holds one counter: signing in here signs them out elsewhere, and a counter left with
        // nobody and no ticket in hand closes.
        for (const other of state.counters.values()) {
          if (other.id !== counterId && other.staffId === staffId) {
            other.staffId = undefined;
            other.staffName = undefined;
            if (!other.currentTicketId) {
              other.status = 'closed';
              other.pauseReason = undefined;
              other.pausedAt = undefined;
              other.takeoverAskedAt = undefined;
            }
          }
        }
      }
      return;
    }
    case 'appointment.created':
      state.appointments.set(event.data.appointment.id, { ...event.data.appointment });
      return;
    case 'appointment.checked_in': {
      const a = state.appointments.get(event.data.appointmentId);
      if (a) {
        a.status = 'checked_in';
        a.ticketId = event.data.ticketId;
      }
      return;
    }
    case 'appointment.cancelled': {
      const a = state.appointments.get(event.data.appointmentId);
      if (a) a.status = 'cancelled';
      return;
    }
    case 'appointment.no_show': {
      const a = state.appointments.get(event.data.appointmentId);
      if (a) a.status = 'no_show';
      return;
    }
    case 'day.numbers_reserved': {
      const { day, sequences } = event.data;
      if (day < state.day) return; // that day is over: its numbers never come back
      // Today: the numbers go on after them now; a later day: from its start (hall.day_started).
      if (day > state.day && state.reservedNumbers?.day !== day) state.reservedNumbers = { day, sequences: {} };
      const into = day === state.day ? state.sequences : state.reservedNumbers!.sequences;
      for (const [prefix, n] of Object.entries(sequences)) into[prefix] = Math.max(into[prefix] ?? 0, n);
      return;
    }
    case 'hall.extended_service': {
      const { day, phase, until } = event.data;
      state.extendedService = { day, until, ended: phase === 'ended' };
      return;
    }
    case 'ticket.slot_offered': {
      const { ticketId, appointmentId, slotStart, slotEnd } = event.data;
      const t = ticket(state, ticketId);
      t.offeredSlot = { appointmentId, slotStart, slotEnd };
      const booking = state.appointments.get(appointmentId);
      if (booking) booking.offeredTo = { ticketId, number: t.number };
      return;
    }
    case 'emergency.changed':
      setActivePlaybooks(state, activeFromV1(event.data.active));
      return;
    case 'playbook.activated': {
      const wasFrozen = isQueueFrozen(state);
      setActivePlaybooks(state, [
        ...activePlaybooks(state).filter((p) => p.playbookId !== event.data.playbook.playbookId),
        structuredClone(event.data.playbook),
      ]);
      noteFreeze(state, wasFrozen, isQueueFrozen(state), event.data.playbook.startedAt);
      return;
    }
    case 'playbook.deactivated': {
      const wasFrozen = isQueueFrozen(state);
      setActivePlaybooks(
        state,
        activePlaybooks(state).filter((p) => p.playbookId !== event.data.playbookId),
      );
      noteFreeze(state, wasFrozen, isQueueFrozen(state), event.data.at);
      return;
    }
    case 'ticket.pending_system': {
      const t = ticket(state, event.data.ticketId);
      state.pendingSystem ??= {};
      state.pendingSystem[t.id] = {
        ticketId: t.id,
        number: t.number,
        serviceId: t.serviceId,
        counterId: event.data.counterId,
        at: event.data.at,
      };
      return;
    }
    case 'staff.contact_set':
      state.staff ??= {};
      state.staff[event.data.staffId] = structuredClone(event.data.contact);
      return;
    case 'ticket.caught_up':
      if (state.pendingSystem) delete state.pendingSystem[event.data.ticketId];
      return;
    case 'playbook.acknowledged': {
      const p = activePlaybooks(state).find((x) => x.playbookId === event.data.playbookId);
      p?.acknowledgements.push({ by: event.data.by, at: event.data.at });
      setActivePlaybooks(state, activePlaybooks(state));
      return;
    }
    case 'evaluation.recorded': {
      const t = state.tickets.get(event.data.ticketId);
      if (t) t.rating = event.data.score;
      return;
    }
    case 'followup.opened':
      state.followUps.set(event.data.followUp.id, { ...event.data.followUp });
      return;
    case 'followup.answered': {
      const f = state.followUps.get(event.data.id);
      if (f) {
        f.answer = event.data.answer;
        f.answeredBy = event.data.by;
        f.answeredAt = event.data.at;
      }
      return;
    }
    case 'device.status':
      return;
    case 'counter.takeover_requested': // a request to people; the counter changes when a backup signs in
      if (event.data.reason === 'paused') counter(state, event.data.counterId).takeoverAskedAt = event.data.at;
      return;
    case 'case.opened':
      state.cases.set(event.data.case.id, { ...event.data.case });
      return;
    case 'homevisit.booked':
      state.homeVisits.set(event.data.visit.id, { ...event.data.visit });
      return;
    case 'homevisit.closed': {
      const v = state.homeVisits.get(event.data.id);
      if (v) {
        v.status = event.data.status;
        v.doneAt = event.data.status === 'done' ? event.data.at : undefined;
      }
      return;
    }
    case 'prereview.submitted':
      state.prereviews.set(event.data.prereview.id, { ...event.data.prereview });
      return;
    case 'prereview.answered': {
      const r = state.prereviews.get(event.data.id);
      if (r) {
        r.result = event.data.result;
        r.answeredAt = event.data.at;
        r.answeredBy = event.data.by;
      }
      return;
    }
    case 'case.completed': {
      const k = state.cases.get(event.data.caseId);
      if (k) {
        k.status = 'completed';
        k.completedAt = event.data.at;
        k.completedBy = event.data.by;
      }
      return;
    }
    case 'hall.amended':
      // A new object each time: the effective hall file is cached by its identity.
      state.amendments = withAmendment(state.amendments, event.data.amendment, {
        at: event.data.at,
        cause: event.data.cause,
      });
      return;
    default:
      unhandledEvent(event);
  }
}
