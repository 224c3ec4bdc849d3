/** Decisions about taking numbers: issue, appointment check-in, reinstate a no-show, cancel. */
import { DEVICE_KINDS, PRIORITY_REASONS } from '../../../protocol/codes.js';
import { issuingWindow } from '../calendar.js';
import { staffSlotProblem } from '../capacity.js';
import { hallDay } from '../clock.js';
import { refuse } from '../errors.js';
import type { HallEvent } from '../events.js';
import { ageOn, checkIdNumber, maskPhone } from '../identity.js';
import { penaltyKey, queueInstant, queueKeyFor } from '../queue-order.js';
import { unfrozenMsSince } from '../queue-freezes.js';
import type { Appointment, HallState, Priority, Ticket } from '../types.js';
import { getTicket, type DecideContext, type Decision } from './context.js';

export interface IssueTicketCommand {
  serviceId: string;
  idNumber?: string;
  phone?: string;
  priority?: 'normal' | 'priority' | 'green';
  priorityReason?: string;
  channel?: string;
}

const STAFF = new Set(['manager', 'counter']);

/** Channels only the system gives: a device's kind, and `appointment`, which reads as a checked-in booking. */
const NOT_STAFF_CHANNELS: ReadonlySet<string> = new Set([...DEVICE_KINDS, 'appointment']);

/**
 * The channel a ticket is labelled with follows from who issues it: a device (kiosk) is always its own kind, so a
 * kiosk cannot pass its tickets off as issued at a counter; staff may name the channel they issue for (e.g. phone),
 * but not a device's or the appointments' (a green ticket labelled `kiosk` would hide who gave it).
 */
export function issuingChannel(actor: DecideContext['actor'], requested: string | undefined): string {
  if (actor.kind !== 'user') return actor.role;
  if (requested !== undefined && NOT_STAFF_CHANNELS.has(requested))
    throw refuse.badInput(
      'CHANNEL_NOT_STAFF',
      `staff cannot issue on the "${requested}" channel: it is a device's or the appointments' own`,
    );
  return requested ?? actor.role;
}

function isPriorityReasonCode(reason: string | undefined): boolean {
  return (PRIORITY_REASONS as readonly string[]).includes(reason ?? '');
}

/** Formats a daily number: prefix and at least three digits (A001 … A999, then A1000: numbers are never capped). */
export function formatNumber(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(3, '0')}`;
}

/** Normalizes and checks an ID number, or refuses with INVALID_ID_NUMBER. */
export function validIdNumber(ctx: DecideContext, idNumber: string): { normalized: string; birthDate: string } {
  const check = checkIdNumber(idNumber, hallDay(ctx.now, ctx.hallFile.hall.timezone));
  if (!check.ok)
    throw refuse.badInput('INVALID_ID_NUMBER', `idNumber is not a valid resident ID number: ${check.reason}`);
  return check;
}

/**
 * Refuses when numbers can't be issued now: the playbooks' issuing mode, then the hall's issuing hours, which staff
 * may pass (extended service, R6), and so may an appointment checked in within its own window (`withinBooking`): the
 * contract opens that window `appointmentEarlyMinutes` before the slot, before the doors open or over lunch too.
 */
function assertIssuing(
  ctx: DecideContext,
  state: HallState,
  kind: 'walk-in' | 'appointment',
  withinBooking = false,
): void {
  const mode = state.emergency?.issuing ?? 'normal';
  const staff = STAFF.has(ctx.actor.role);
  if (mode === 'paused' && ctx.actor.role !== 'manager')
    throw refuse.conflict('HALL_CLOSED', `issuing is paused: ${state.emergency?.name ?? 'emergency'}`, {
      playbookId: state.emergency?.playbookId,
    });
  if (mode === 'appointments-only' && kind === 'walk-in' && !staff)
    throw refuse.conflict(
      'HALL_CLOSED',
      `only appointments are checked in now: ${state.emergency?.name ?? 'emergency'}`,
      {
        playbookId: state.emergency?.playbookId,
        appointmentsOnly: true,
      },
    );
  if (staff || withinBooking) return;
  const window = issuingWindow({ hallFile: ctx.hallFile, alwaysOpen: ctx.alwaysOpen }, ctx.now);
  if (!window.open) {
    const suggested = window.nextOpenAt ? new Date(window.nextOpenAt).toISOString() : undefined;
    throw refuse.conflict(
      'HALL_CLOSED',
      suggested ? `the hall issues numbers again from ${suggested}` : 'the hall is closed',
      suggested ? { suggestedTime: suggested } : undefined,
    );
  }
}

/**
 * One identity, one active (waiting or called) ticket per service: refuses when `identity` holds one in `serviceId`
 * other than `exceptTicketId` — for a new number, and for a ticket that comes back (reinstated) or moves (transferred).
 */
export function assertNoOtherActiveTicket(
  state: HallState,
  identity: string | undefined,
  serviceId: string,
  exceptTicketId?: string,
): void {
  if (!identity) return;
  for (const t of state.byIdentity.get(identity) ?? []) {
    if (t.id !== exceptTicketId && t.serviceId === serviceId && (t.status === 'waiting' || t.status === 'called'))
      throw refuse.conflict('ACTIVE_TICKET_EXISTS', `this ID already holds ticket ${t.number} for this service`, {
        number: t.number,
      });
  }
}

function assertIdentityMayTake(ctx: DecideContext, state: HallState, identity: string, serviceId: string): void {
  assertNoOtherActiveTicket(state, identity, serviceId);
  const max = ctx.hallFile.policy.maxTicketsPerIdentityPerDay;
  if ((state.issuedPerIdentity[identity] ?? 0) >= max)
    throw refuse.limit('DAILY_LIMIT', `this ID has taken ${max} numbers today, the hall's daily limit`);
}

interface NewTicket {
  serviceId: string;
  priority: Priority;
  priorityReason?: string;
  channel: string;
  identity?: string;
  phone?: string;
  appointment?: Appointment;
  late?: boolean;
}

function buildTicket(ctx: DecideContext, state: HallState, n: NewTicket): Ticket {
  const service = ctx.hallFile.services.find((s) => s.id === n.serviceId)!;
  const ordinal = state.ordinal + 1;
  const queuedAt = queueInstant(state, ctx.now);
  return {
    id: ctx.newId('ticket'),
    number: formatNumber(service.prefix, (state.sequences[service.prefix] ?? 0) + 1),
    serviceId: service.id,
    day: state.day,
    status: 'waiting',
    priority: n.priority,
    priorityReason: n.priorityReason,
    channel: n.channel,
    issuerDeviceId: ctx.actor.kind === 'device' ? ctx.actor.id : undefined,
    issuerStaffId: ctx.actor.kind === 'user' && ctx.actor.role === 'counter' ? ctx.actor.id : undefined,
    issuedAt: ctx.now,
    queuedAt,
    seq: ordinal,
    key: queueKeyFor(n.priority, queuedAt, ordinal, ctx.hallFile.policy, n.appointment?.slotStart),
    verifyCode: ctx.newVerifyCode(),
    identity: n.identity,
    phoneMasked: n.phone ? maskPhone(n.phone) : undefined,
    phoneSealed: n.phone ? ctx.seal(n.phone) : undefined,
    appointmentId: n.appointment?.id,
    late: n.late || undefined,
    recalls: 0,
    reinstated: false,
    transfers: 0,
  };
}

export function issueTicket(ctx: DecideContext, state: HallState, cmd: IssueTicketCommand): Decision {
  if (!ctx.hallFile.services.some((s) => s.id === cmd.serviceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${cmd.serviceId}" in this hall`);
  let priority: Priority = cmd.priority ?? 'normal';
  let priorityReason = cmd.priorityReason?.trim() || undefined;
  if (priority === 'green' && !STAFF.has(ctx.actor.role))
    throw refuse.forbidden('GREEN_LANE_STAFF_ONLY', 'only counter staff or a manager can issue a green-lane ticket');
  if (priority === 'priority' && !priorityReason)
    throw refuse.badInput(
      'PRIORITY_REASON_REQUIRED',
      'a priority ticket needs a priorityReason (elderly, disabled, pregnant, …)',
    );
  // A kiosk's visitor picks one of the codes; own words are staff's, who answer for them.
  if (priority === 'priority' && ctx.actor.kind === 'device' && !isPriorityReasonCode(priorityReason))
    throw refuse.badInput(
      'INVALID_PRIORITY_REASON',
      `a kiosk's priorityReason is one of ${PRIORITY_REASONS.join(', ')}`,
    );
  assertIssuing(ctx, state, 'walk-in');

  let identity: string | undefined;
  if (cmd.idNumber) {
    const id = validIdNumber(ctx, cmd.idNumber);
    identity = ctx.identityHash(id.normalized);
    assertIdentityMayTake(ctx, state, identity, cmd.serviceId);
    const elderly = ageOn(id.birthDate, state.day) >= ctx.hallFile.policy.elderlyAge;
    if (priority === 'normal' && elderly) {
      priority = 'priority';
      priorityReason = 'elderly';
    }
    // The rule reads elderly from the ID's birth date: an ID that says otherwise cannot claim it.
    if (priority === 'priority' && priorityReason === 'elderly' && !elderly)
      throw refuse.badInput(
        'NOT_ELDERLY',
        `the ID number's holder is under ${ctx.hallFile.policy.elderlyAge}: priority for the elderly is read from it`,
      );
  }
  const ticket = buildTicket(ctx, state, {
    serviceId: cmd.serviceId,
    priority,
    priorityReason: priority === 'normal' ? undefined : priorityReason,
    channel: issuingChannel(ctx.actor, cmd.channel),
    identity,
    phone: cmd.phone,
  });
  return { events: [{ type: 'ticket.issued', data: { ticket } }], ticketId: ticket.id };
}

function isElderly(ctx: DecideContext, state: HallState, idNumber: string): boolean {
  return ageOn(validIdNumber(ctx, idNumber).birthDate, state.day) >= ctx.hallFile.policy.elderlyAge;
}

export interface CheckInCommand {
  code?: string;
  idNumber?: string;
  channel?: string;
}

/** Finds the appointment to check in: by code, or the holder's booking today closest to now. */
function findAppointment(ctx: DecideContext, state: HallState, cmd: CheckInCommand): Appointment {
  const today = state.day;
  const tz = ctx.hallFile.hall.timezone;
  if (cmd.code) {
    // A code is unique among booked appointments only: the platform may give a new booking the code of one already
    // checked in or gone. The booked one is meant; another is found only to say why it cannot be checked in.
    const withCode = [...state.appointments.values()].filter((x) => x.code === cmd.code && x.status !== 'cancelled');
    const a = withCode.find((x) => x.status === 'booked') ?? withCode[0];
    if (!a) throw refuse.notFound('UNKNOWN_APPOINTMENT', `no appointment with code ${cmd.code}`);
    return a;
  }
  const identity = ctx.identityHash(validIdNumber(ctx, cmd.idNumber!).normalized);
  const mine = [...state.appointments.values()].filter(
    (x) => x.identity === identity && x.status !== 'cancelled' && hallDay(x.slotStart, tz) === today,
  );
  if (mine.length === 0) throw refuse.notFound('UNKNOWN_APPOINTMENT', 'no appointment today for this ID number');
  const booked = mine.filter((x) => x.status === 'booked');
  if (booked.length === 0) return mine[0];
  return booked.sort((a, b) => Math.abs(a.slotStart - ctx.now) - Math.abs(b.slotStart - ctx.now))[0];
}

export function checkIn(ctx: DecideContext, state: HallState, cmd: CheckInCommand): Decision {
  const a = findAppointment(ctx, state, cmd);
  if (a.status === 'checked_in')
    throw refuse.conflict('ALREADY_CHECKED_IN', 'this appointment has already been checked in');
  const tz = ctx.hallFile.hall.timezone;
  const slotDay = hallDay(a.slotStart, tz);
  if (slotDay < state.day) throw refuse.conflict('APPOINTMENT_EXPIRED', `this appointment was for ${slotDay}`);
  const { appointmentEarlyMinutes: early, appointmentLateMinutes: lateMin } = ctx.hallFile.policy;
  const opensAt = a.slotStart - early * 60_000;
  if (ctx.now < opensAt)
    throw refuse.conflict('TOO_EARLY', `check-in opens at ${new Date(opensAt).toISOString()}`, {
      checkInFrom: new Date(opensAt).toISOString(),
    });
  const late = unfrozenMsSince(state, a.slotStart, ctx.now) > lateMin * 60_000;
  // Late, it is a walk-in's number: the hall's hours apply to it as to any other. So they do to a booking whose slot
  // is not within them (one taken before bookings were held to the hours, or the platform's): no number on a Sunday.
  const slotInHours = staffSlotProblem(ctx, { start: a.slotStart, end: a.slotEnd }) === null;
  assertIssuing(ctx, state, 'appointment', !late && slotInHours);
  if (a.identity) assertIdentityMayTake(ctx, state, a.identity, a.serviceId);
  // The elderly keep their priority when they book (R5): of the two places the rule gives them, the earlier.
  const elderly = a.elderly || (cmd.idNumber !== undefined && isElderly(ctx, state, cmd.idNumber));
  const asAppointment = late ? ctx.now : Math.min(a.slotStart, ctx.now);
  const asPriority = ctx.now - ctx.hallFile.policy.priorityCreditMinutes * 60_000;
  const byAge = elderly && asPriority < asAppointment;
  const ticket = buildTicket(ctx, state, {
    serviceId: a.serviceId,
    priority: byAge ? 'priority' : late ? 'normal' : 'appointment',
    priorityReason: byAge ? 'elderly' : undefined,
    channel: issuingChannel(ctx.actor, cmd.channel),
    identity: a.identity,
    appointment: late || byAge ? undefined : a,
    late,
  });
  ticket.appointmentId = a.id;
  if (a.phoneSealed) {
    ticket.phoneSealed = a.phoneSealed;
    ticket.phoneMasked = a.phoneMasked;
  }
  const events: HallEvent[] = [
    { type: 'ticket.issued', data: { ticket } },
    { type: 'appointment.checked_in', data: { appointmentId: a.id, ticketId: ticket.id, at: ctx.now, late } },
  ];
  return { events, ticketId: ticket.id, appointmentId: a.id };
}

/**
 * Whether `idNumber` is the one the ticket was taken with: staff check the person at the window against it, so a
 * number sold on does not pass (R3, 倒号). A ticket taken without an ID number has nothing to check against.
 */
export function isHolder(ctx: DecideContext, state: HallState, ticketId: string, idNumber: string): boolean {
  const t = getTicket(state, ticketId);
  if (!t.identity)
    throw refuse.conflict(
      'TICKET_NOT_ID_BOUND',
      `ticket ${t.number} was taken without an ID number: there is nothing to check the person against`,
    );
  return ctx.identityHash(validIdNumber(ctx, idNumber).normalized) === t.identity;
}

export function reinstate(ctx: DecideContext, state: HallState, ticketId: string): Decision {
  const t = getTicket(state, ticketId);
  if (t.status !== 'no_show')
    throw refuse.conflict('TICKET_NOT_NO_SHOW', `ticket ${t.number} is ${t.status}, not a no-show`);
  if (t.reinstated) throw refuse.conflict('ALREADY_REINSTATED', `ticket ${t.number} was reinstated once already`);
  const graceMs = ctx.hallFile.policy.noShowGraceMinutes * 60_000;
  // Time the queue spent frozen (an evacuation) does not use up the grace.
  if (unfrozenMsSince(state, t.noShowAt ?? 0, ctx.now) > graceMs)
    throw refuse.conflict(
      'GRACE_EXPIRED',
      `a no-show can be reinstated within ${ctx.hallFile.policy.noShowGraceMinutes} minutes`,
    );
  assertNoOtherActiveTicket(state, t.identity, t.serviceId, t.id);
  const key = penaltyKey(state, t, ctx.hallFile.policy.reinstatePenaltyPlaces);
  return { events: [{ type: 'ticket.reinstated', data: { ticketId: t.id, at: ctx.now, key } }], ticketId: t.id };
}

export function cancel(ctx: DecideContext, state: HallState, ticketId: string, idNumber?: string): Decision {
  const t = getTicket(state, ticketId);
  if (t.status !== 'waiting' && t.status !== 'called')
    throw refuse.conflict('TICKET_NOT_ACTIVE', `ticket ${t.number} is ${t.status} and cannot be cancelled`);
  const role = ctx.actor.role;
  if (role !== 'manager') {
    if (role !== 'kiosk')
      throw refuse.forbidden('FORBIDDEN', 'only a manager or the holder at a kiosk can cancel a ticket');
    if (!idNumber) throw refuse.badInput('ID_NUMBER_REQUIRED', "the holder's idNumber is needed to cancel at a kiosk");
    const identity = ctx.identityHash(validIdNumber(ctx, idNumber).normalized);
    if (!t.identity || t.identity !== identity)
      throw refuse.forbidden('NOT_HOLDER', 'this ID number does not hold that ticket');
  }
  return {
    events: [
      {
        type: 'ticket.cancelled',
        data: { ticketId: t.id, at: ctx.now, reason: role === 'manager' ? 'manager' : 'holder' },
      },
    ],
    ticketId: t.id,
  };
}
