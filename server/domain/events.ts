/** Every fact the hall records: one map from event type to payload. The log stores these; apply() replays them. */
import type {
  Appointment,
  Case,
  HomeVisit,
  Prereview,
  PrereviewResult,
  CounterStatus,
  EmergencyState,
  FollowUp,
  OutOfTurnCategory,
  QueueKey,
  Ticket,
} from './types.js';

export interface HallEventMap {
  'hall.day_started': { day: string; at: number; expiredTicketIds: string[] };
  'ticket.issued': { ticket: Ticket };
  'ticket.called': {
    ticketId: string;
    counterId: string;
    staffId?: string;
    at: number;
    /** Present only for an out-of-order call. The free-text reason stays in the audit log. */
    outOfTurn?: { category: OutOfTurnCategory; reason: string };
  };
  'ticket.recalled': { ticketId: string; counterId: string; at: number; recalls: number };
  'ticket.started': { ticketId: string; counterId: string; at: number };
  'ticket.finished': { ticketId: string; counterId: string; at: number; serviceMs: number };
  'ticket.no_show': { ticketId: string; counterId: string; at: number };
  'ticket.reinstated': { ticketId: string; at: number; key: QueueKey };
  'ticket.transferred': {
    ticketId: string;
    fromServiceId: string;
    toServiceId: string;
    counterId?: string;
    at: number;
  };
  'ticket.cancelled': { ticketId: string; at: number; reason: 'holder' | 'manager' | 'day-end' };
  'counter.status': {
    counterId: string;
    status: CounterStatus;
    pauseReason?: string;
    staffId?: string;
    staffName?: string;
    change: 'sign-in' | 'sign-out' | 'open' | 'close' | 'pause' | 'resume';
  };
  'appointment.created': { appointment: Appointment };
  'appointment.checked_in': { appointmentId: string; ticketId: string; at: number; late: boolean };
  'appointment.cancelled': { appointmentId: string; at: number };
  'emergency.changed': { active: EmergencyState | null; previous?: string };
  'evaluation.recorded': {
    ticketId: string;
    score: number;
    comment?: string;
    counterId?: string;
    staffId?: string;
    at: number;
  };
  'followup.opened': { followUp: FollowUp };
  'followup.answered': { id: string; answer: string; by: string; at: number };
  'device.status': { deviceId: string; kind: string; online: boolean; status?: Record<string, unknown>; at: number };
  'case.opened': { case: Case };
  'case.completed': { caseId: string; at: number; by: string };
  'prereview.submitted': { prereview: Prereview };
  /** The note stays in the audit log only (free text). */
  'prereview.answered': { id: string; result: PrereviewResult; note?: string; at: number; by: string };
  'homevisit.booked': { visit: HomeVisit };
  'homevisit.closed': { id: string; status: 'done' | 'cancelled'; at: number; by: string };
}

export type HallEventType = keyof HallEventMap;
export type HallEvent = { [K in HallEventType]: { type: K; data: HallEventMap[K] } }[HallEventType];
export type EventOf<K extends HallEventType> = { type: K; data: HallEventMap[K] };

/**
 * Entries written to the audit chain that do not change the hall's state (logins, staff and device changes,
 * audit queries). They are not replayed and not streamed.
 */
export interface AuditOnlyMap {
  'hall.started': { version: string; hallId: string };
  'auth.login': { username: string; role: string; ok: boolean; reason?: string };
  'auth.logout': { userId: string };
  'staff.created': { userId: string; username: string; role: string };
  'staff.disabled': { userId: string };
  'staff.enabled': { userId: string };
  'staff.password_reset': { userId: string };
  'auth.password_changed': { userId: string };
  'device.registered': { deviceId: string; kind: string; counterId?: string; kioskId?: string };
  'device.removed': { deviceId: string };
  'audit.queried': { from?: number; to?: number; verify?: boolean };
  /** Staff read the home-visit list with the addresses in clear (查询留痕). */
  'homevisit.listed': { date?: string; count: number };
  /** The chain's head (before this entry) and where keyed hashing starts: at each start and each hall day. */
  'audit.anchor': { seq: number; hash: string; keyedFrom: number };
  /** A checkpoint of the live state as of entry `seq`, and its SHA-256: a start trusts no checkpoint without it. */
  'checkpoint.saved': { seq: number; sha256: string };
  /** Found at start: the chain does not verify from the last verified mark on. */
  'audit.chain_broken': { seq: number; reason: string };
  /** Found at start: a checkpoint the chain does not vouch for was passed over. */
  'audit.checkpoint_rejected': { seq: number; reason: string };
}
export type AuditOnlyType = keyof AuditOnlyMap;
export type AuditOnlyEntry = { [K in AuditOnlyType]: { type: K; data: AuditOnlyMap[K] } }[AuditOnlyType];

/**
 * Every state event, held by the compiler: a type added to HallEventMap and missing here fails the build, so replay
 * (which keeps only these) can never skip an event the live path applies.
 */
export const STATE_EVENTS = {
  'hall.day_started': true,
  'ticket.issued': true,
  'ticket.called': true,
  'ticket.recalled': true,
  'ticket.started': true,
  'ticket.finished': true,
  'ticket.no_show': true,
  'ticket.reinstated': true,
  'ticket.transferred': true,
  'ticket.cancelled': true,
  'counter.status': true,
  'appointment.created': true,
  'appointment.checked_in': true,
  'appointment.cancelled': true,
  'emergency.changed': true,
  'evaluation.recorded': true,
  'followup.opened': true,
  'followup.answered': true,
  'device.status': true,
  'case.opened': true,
  'case.completed': true,
  'prereview.submitted': true,
  'prereview.answered': true,
  'homevisit.booked': true,
  'homevisit.closed': true,
} as const satisfies { [K in HallEventType]: true };

export const STATE_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(STATE_EVENTS));

/** Whether a log entry is a state event (replayed), as opposed to an audit-only entry. */
export function isStateEvent(entry: { type: string; data: unknown }): entry is HallEvent {
  return STATE_EVENT_TYPES.has(entry.type);
}

/** For the `default` of a switch over event types: the compiler refuses the call while a type is unhandled. */
export function unhandledEvent(e: never): never {
  throw new Error(`unhandled hall event ${(e as { type?: string })?.type}`);
}
