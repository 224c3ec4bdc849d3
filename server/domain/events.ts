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
  StaffContact,
  Ticket,
} from './types.js';
import type { HallAmendment } from '../../protocol/city.js';
import type { AmendmentMark } from './hall-amendments.js';
import type { ActivePlaybook, PlaybookCause } from './playbooks.js';

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
  'ticket.finished': {
    ticketId: string;
    counterId: string;
    at: number;
    serviceMs: number;
    /** Who finished it, when not who called it (a colleague took the counter over, AB岗): the service is theirs. */
    staffId?: string;
  };
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
    /** When it changed: a pause's starts the A/B post clock (absent in entries written before it was recorded). */
    at?: number;
    /** A manager closed it anyway: these services had people waiting and no other counter serving them. */
    forcedWithWaiting?: string[];
    /** Opened by this playbook's action (standby counters): its end closes only what a playbook opened. */
    byPlaybook?: string;
  };
  'appointment.created': { appointment: Appointment };
  'appointment.checked_in': { appointmentId: string; ticketId: string; at: number; late: boolean };
  'appointment.cancelled': { appointmentId: string; at: number };
  /** Nobody checked in by the end of the late window (recorded by the hall itself). */
  'appointment.no_show': { appointmentId: string; at: number };
  /** v1: the one active playbook replaced. Still replayed from older logs; new commands write playbook.*. */
  'emergency.changed': { active: EmergencyState | null; previous?: string };
  'playbook.activated': { playbook: ActivePlaybook };
  'playbook.deactivated': { playbookId: string; at: number; by: string; reason: string; drill: boolean };
  'playbook.acknowledged': { playbookId: string; by: string; at: number };
  /** A/B post (AB岗): the counter was left with people waiting; its backup staff are asked to take over. */
  'counter.takeover_requested': {
    counterId: string;
    reason: 'paused' | 'signed-out';
    backupStaff: string[];
    waiting: number;
    at: number;
  };
  /** Closing time with tickets still issued: served on until `until` (延时服务); `ended` when over or all served. */
  /**
   * Numbers of `day` already handed out outside this log — the database a restore replaced went on past the copy — are
   * never handed out again: each prefix's sequence goes on after them.
   */
  'day.numbers_reserved': { day: string; sequences: Record<string, number>; at: number };
  'hall.extended_service': { day: string; phase: 'started' | 'ended'; at: number; until: number };
  /** Still waiting when extended service ended: a slot of a later working day booked for the holder. */
  'ticket.slot_offered': { ticketId: string; appointmentId: string; slotStart: number; slotEnd: number; at: number };
  /** Finished while the registration system was down: to be recorded there once it is back (待系统恢复补录). */
  'ticket.pending_system': { ticketId: string; counterId: string; at: number };
  'ticket.caught_up': { ticketId: string; at: number; by: string };
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
  /** A change to the hall file pushed down by the city (docs/city.md): the effective hall is the file plus these. */
  'hall.amended': { amendment: HallAmendment; cause: AmendmentMark['cause']; at: number };
  /** A staff member's contact as it now is (the whole of it): mobile sealed and masked, never in clear; duties. */
  'staff.contact_set': { staffId: string; contact: StaffContact };
}

export type HallEventType = keyof HallEventMap;
export type HallEvent = { [K in HallEventType]: { type: K; data: HallEventMap[K] } }[HallEventType];
export type EventOf<K extends HallEventType> = { type: K; data: HallEventMap[K] };

/** A minute's failed logins past its first 20: from when to when, how many, from how many addresses, the most. */
export interface LoginFailureSummary {
  from: number;
  to: number;
  count: number;
  /** Different addresses, counted up to 4096. */
  addresses: number;
  /** The ten addresses and usernames with the most failures. */
  mostAddresses: Array<{ address: string; count: number }>;
  mostUsernames: Array<{ username: string; count: number }>;
}

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
  /**
   * Failed staff logins past the minute's first 20 (each of those is its own `auth.login`), counted from `from` to
   * `to`: how many, from how many addresses (counted up to 4096), and the ten addresses and usernames with the most.
   */
  'auth.login_failures': LoginFailureSummary;
  /**
   * A device login to the embedded MQTT broker that failed its password check (unknown username or wrong password):
   * each of a minute's first 20; the username cut to 64 characters, control characters shown as U+FFFD.
   */
  'device.login': { username: string; ok: false; reason: string; address: string };
  /** Failed device logins past the minute's first 20, counted as `auth.login_failures` counts the staff's. */
  'device.login_failures': LoginFailureSummary;
  'device.registered': { deviceId: string; kind: string; counterId?: string; kioskId?: string };
  'device.removed': { deviceId: string };
  'audit.queried': { from?: number; to?: number; verify?: boolean };
  /** The chain's head (before this entry) and where keyed hashing starts: at each start and each hall day. */
  'audit.anchor': { seq: number; hash: string; keyedFrom: number };
  /** A checkpoint of the live state as of entry `seq`, and its SHA-256: a start trusts no checkpoint without it. */
  'checkpoint.saved': { seq: number; sha256: string };
  /** Found at start: the chain does not verify from the last verified mark on. */
  'audit.chain_broken': { seq: number; reason: string };
  /** A directive from the city (docs/city.md), applied through the write path or refused. */
  'city.directive': {
    directiveId: string;
    kind: string;
    playbookId?: string;
    /** hall.amend: which kind of amendment (the change itself is the `hall.amended` event when applied). */
    amendment?: string;
    applied: boolean;
    reason?: string;
  };
  /** Found at start: a checkpoint the chain does not vouch for was passed over. */
  'audit.checkpoint_rejected': { seq: number; reason: string };
  /** The hall's own backup (nightly, or a manager's) was written, or could not be. */
  'backup.made': { name: string; bytes: number; headSeq: number };
  'backup.failed': { error: string };
  /** A hall day's or month's report was frozen (reports table); its SHA-256 here makes a later edit show. */
  'report.frozen': { kind: 'daily' | 'monthly'; period: string; sha256: string };
  /**
   * Query trail (查询留痕): someone read personal data or per-staff figures. One entry per request, never per row:
   * what was asked for (`resource`, the query's own parameters), how many rows it gave, and how many times the same
   * reader asked the same within the second the trail collects (`count`, from `at`).
   */
  'data.read': { resource: string; query?: Record<string, string>; rows?: number; count?: number; at?: number };
  /** `npm run restore` put this backup back; `backupHead` is the head it was taken at. */
  'backup.restored': {
    file: string;
    backupHead: { seq: number; hash: string };
    /** Accounts the restored log did not vouch for, put out of use (absent in entries made before this was done). */
    disabledUsers?: string[];
    removedDevices?: string[];
    sessionsEnded?: number;
    deviceTokensDropped?: number;
  };
  /** The appointment platform sent a booking the hall could not take: skipped, the sync went on. */
  /** One skipped booking; or, past the per-run limit, how many `more` were skipped in the run (no bookingId). */
  'integration.booking_skipped': { bookingId?: string; reason: string; more?: number };
  /** An outside system refused a message for good (4xx): it is not sent again. Never the phone number. */
  'integration.message_dropped': { system: 'platform' | 'sms'; key: string; status: number; reason: string };
  /** A trigger set to `propose` asked a manager; the manager confirmed or dismissed it, or it expired. */
  'playbook.proposed': { proposalId: string; playbookId: string; cause: PlaybookCause; drill?: boolean };
  'playbook.proposal_closed': {
    proposalId: string;
    playbookId: string;
    outcome: 'confirmed' | 'dismissed' | 'expired' | 'withdrawn';
  };
  /** What a playbook did or could not do (standby counters, announcements, power steps), with its cause. */
  'playbook.action': { playbookId: string; action: string; detail?: Record<string, unknown>; drill?: boolean };
  /** A trigger held but its playbook was not changed (e.g. a manager started it): why. */
  'playbook.trigger_skipped': { playbookId: string; reason: string; cause: PlaybookCause };
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
  'appointment.no_show': true,
  'emergency.changed': true,
  'playbook.activated': true,
  'playbook.deactivated': true,
  'playbook.acknowledged': true,
  'hall.extended_service': true,
  'day.numbers_reserved': true,
  'counter.takeover_requested': true,
  'ticket.slot_offered': true,
  'ticket.pending_system': true,
  'ticket.caught_up': true,
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
  'hall.amended': true,
  'staff.contact_set': true,
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
