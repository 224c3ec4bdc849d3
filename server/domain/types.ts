/** The hall's live state and its parts, as the domain sees them: plain data, no I/O. */

import type { CounterStatus, IssuingMode, OutOfTurnCategory, Priority, TicketStatus } from '../../protocol/codes.js';

// The codes screens share with the server (one set, in protocol/).
export { OUT_OF_TURN_CATEGORIES } from '../../protocol/codes.js';
import type { ActivePlaybook, Banner } from './playbooks.js';
import type { HallAmendments } from './hall-amendments.js';
import type { StaffDuty } from '../../protocol/staff.js';
import type { QueueFreeze } from './queue-freezes.js';
export type { CounterStatus, IssuingMode, OutOfTurnCategory, Priority, TicketStatus };

/** Where a waiting ticket stands: compared field by field, smallest first (see queue-order.ts). */
export interface QueueKey {
  /** 0 for the green lane, 1 for everyone else. */
  rank: 0 | 1;
  /** Queue time in ms since the epoch (the published rule). */
  time: number;
  /** Hall-wide issue order, the rule's tie-breaker. */
  ordinal: number;
  /** Places pushed back behind the ticket it copies `time`/`ordinal` from (a reinstated no-show). */
  bump: number;
}

export interface Ticket {
  id: string;
  number: string;
  serviceId: string;
  /** Hall day (YYYY-MM-DD in the hall's time zone) the number belongs to. */
  day: string;
  status: TicketStatus;
  priority: Priority;
  priorityReason?: string;
  channel: string;
  /** The device (kiosk) that issued it: only that kiosk may see its verify code again (the preview). */
  issuerDeviceId?: string;
  /** The counter staff member who issued it (a green-lane ticket is shown to the manager with who gave it). */
  issuerStaffId?: string;
  /** Its last transfer away from a counter, and when it had been called there (a transfer right after a call shows). */
  lastTransfer?: { counterId: string; at: number; calledAt: number };
  issuedAt: number;
  /**
   * The instant the queue rule reads as its issue time: the wall clock, but never earlier than the ticket issued
   * before it, so a clock stepped back cannot put a later ticket ahead of an earlier one. `issuedAt` is for display.
   * Missing on tickets issued before it existed (then `issuedAt`).
   */
  queuedAt?: number;
  /** Hall-wide issue order of this ticket; never changes (the key may, for a reinstated no-show). */
  seq: number;
  key: QueueKey;
  verifyCode: string;
  /** Keyed hash of the holder's ID number, never the number itself. */
  identity?: string;
  phoneMasked?: string;
  /** Phone sealed with the hall's secret (for the SMS gateway), never shown. */
  phoneSealed?: string;
  appointmentId?: string;
  late?: boolean;
  counterId?: string;
  staffId?: string;
  calledAt?: number;
  startedAt?: number;
  finishedAt?: number;
  noShowAt?: number;
  recalls: number;
  reinstated: boolean;
  transfers: number;
  outOfTurn?: { category: OutOfTurnCategory };
  rating?: number;
  /** Still waiting when extended service ended: the slot of a later working day booked for the holder (R6). */
  offeredSlot?: { appointmentId: string; slotStart: number; slotEnd: number };
}

export interface Counter {
  id: string;
  status: CounterStatus;
  pauseReason?: string;
  staffId?: string;
  staffName?: string;
  currentTicketId?: string;
  /** When the current pause began (the pause event's time): the A/B post clock, so a restart does not reset it. */
  pausedAt?: number;
  /** When this pause's backups were asked to take over (asked once per pause). */
  takeoverAskedAt?: number;
  /** The playbook that opened it (a standby counter), while nothing else has changed it since. */
  openedByPlaybook?: string;
  /** The last ticket finished here: the one its pad asks about (in log order, whatever the clock did). */
  lastFinishedTicketId?: string;
}

export type AppointmentStatus = 'booked' | 'checked_in' | 'cancelled' | 'no_show';

export interface Appointment {
  id: string;
  code: string;
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  /** Keyed hash of the holder's ID number; missing for a kiosk booking made without one (checked in by code). */
  identity?: string;
  /** The holder is at or above `elderlyAge` on the slot's day, read from the ID at booking (the ID is not kept). */
  elderly?: true;
  nameMasked?: string;
  nameSealed?: string;
  phoneMasked?: string;
  phoneSealed?: string;
  status: AppointmentStatus;
  ticketId?: string;
  createdAt: number;
  /** The appointment platform's booking it stands for (absent when booked in the hall). */
  bookingId?: string;
  /** The kiosk that booked it (absent when staff or the platform did): a kiosk's bookings an hour are bounded. */
  kioskId?: string;
  /** The ticket it was offered to when extended service ended: its phone page shows it after the ticket's day. */
  offeredTo?: { ticketId: string; number: string };
}

export interface EmergencyState {
  playbookId: string;
  name: string;
  banner?: string;
  issuing: IssuingMode;
  activatedAt: number;
  note?: string;
  by: string;
  /** Derived from the active set (domain/playbooks.ts): absent in v1 log entries. */
  drill?: boolean;
  banners?: Banner[];
  frozen?: boolean;
  activeIds?: string[];
}

export interface PendingSystemEntry {
  ticketId: string;
  number: string;
  serviceId: string;
  counterId: string;
  at: number;
}

export interface Call {
  ticketId: string;
  number: string;
  serviceId: string;
  counterId: string;
  at: number;
  recall: boolean;
  outOfTurn?: { category: OutOfTurnCategory };
  /** A green-lane ticket: ahead of everyone by the rule, and shown so on the board. */
  green?: true;
}

export interface FollowUp {
  id: string;
  ticketId: string;
  number: string;
  counterId?: string;
  staffId?: string;
  score: number;
  comment?: string;
  openedAt: number;
  answer?: string;
  answeredBy?: string;
  answeredAt?: number;
}

export type CaseStatus = 'open' | 'completed';

/** A case accepted at a counter, with its legal deadline (R9). Holds no personal data: the number is public. */
export interface Case {
  id: string;
  /** Printed on the receipt and looked up publicly: unguessable (see newCaseNumber). */
  number: string;
  serviceId: string;
  ticketId: string;
  counterId: string;
  staffId?: string;
  acceptedAt: number;
  /** Hall day of acceptance, YYYY-MM-DD. */
  acceptedOn: string;
  /** Last working day of the deadline, YYYY-MM-DD. */
  dueOn: string;
  status: CaseStatus;
  completedAt?: number;
  completedBy?: string;
}

export type PrereviewResult = 'approved' | 'rejected' | 'more-materials';

/** An online pre-review (网上预审, R12): answered within 24 hours by the consult counter. */
export interface Prereview {
  id: string;
  serviceId: string;
  /** The online platform's reference for the application: no personal data. */
  reference: string;
  submittedAt: number;
  /** submittedAt + 24 hours. */
  dueAt: number;
  phoneMasked?: string;
  /** Sealed with the hall's secret, for the SMS outbox only. */
  phoneSealed?: string;
  result?: PrereviewResult;
  answeredAt?: number;
  answeredBy?: string;
}

/** A staff member's contact for playbook notices: the mobile sealed (for the SMS outbox only) and masked, duties. */
export interface StaffContact {
  phoneSealed?: string;
  phoneMasked?: string;
  duties: StaffDuty[];
}

export type HomeVisitStatus = 'booked' | 'done' | 'cancelled';

/** A home visit (上门服务) for someone who cannot come: booked by staff, the address sealed. */
export interface HomeVisit {
  id: string;
  serviceId: string;
  /** The day of the visit, YYYY-MM-DD in the hall's zone. */
  date: string;
  /** Sealed with the hall's secret: shown only to the assigned staff in the visit list (each read audited). */
  addressSealed: string;
  addressMasked: string;
  phoneSealed?: string;
  phoneMasked?: string;
  status: HomeVisitStatus;
  bookedAt: number;
  bookedBy: string;
  /** The staff member who visits (user id and name): only they read the address in clear. Absent: any staff. */
  assignedTo?: string;
  assignedName?: string;
  doneAt?: number;
}

export interface HallState {
  day: string;
  tickets: Map<string, Ticket>;
  /** Last number issued per service prefix today. */
  sequences: Record<string, number>;
  /** Numbers of a later day already handed out (a restore to an earlier copy): that day numbers on after them. */
  reservedNumbers?: { day: string; sequences: Record<string, number> };
  /** Hall-wide issue counter: the tie-breaker of the queue rule. Never resets. */
  ordinal: number;
  /** The latest `queuedAt` issued: the queue's clock, which never goes back (missing in older checkpoints). */
  issueClock?: number;
  /** Tickets issued today per identity hash. */
  issuedPerIdentity: Record<string, number>;
  counters: Map<string, Counter>;
  appointments: Map<string, Appointment>;
  /** The headline of the active playbooks (the one v1 readers know): derived from `playbooks` on every change. */
  emergency: EmergencyState | null;
  /** Every active playbook (missing in older checkpoints: then read from `emergency`, see activePlaybooks()). */
  playbooks?: ActivePlaybook[];
  /** Tickets finished as "accepted, pending system" (待系统恢复补录), by ticket id, until caught up (missing in older checkpoints). */
  pendingSystem?: Record<string, PendingSystemEntry>;
  /** When the queue was frozen (fire evacuation), so the hall's timers skip that time (missing in older checkpoints). */
  queueFreezes?: QueueFreeze[];
  /** Running average of real service time per service, in ms. */
  avgServiceMs: Record<string, number>;
  recentCalls: Call[];
  followUps: Map<string, FollowUp>;
  /** Cases with deadlines: open ones, and completed ones for CASES_KEPT_DAYS (missing in older checkpoints). */
  cases: Map<string, Case>;
  /** After closing (R6): extended service of hall day `day` until `until`; `ended` once it is over. */
  extendedService?: { day: string; until: number; ended: boolean };
  /** Online pre-reviews: open ones, and those answered until the next hall day (missing in older checkpoints). */
  prereviews: Map<string, Prereview>;
  /** Home visits from today on, and earlier ones still booked (missing in older checkpoints). */
  homeVisits: Map<string, HomeVisit>;
  /** The hall-file amendments in force (the city's, docs/city.md); missing in older checkpoints and until one comes. */
  amendments?: HallAmendments;
  /** Staff contacts by user id: who is on call for what, and their sealed mobile (missing in older checkpoints). */
  staff?: Record<string, StaffContact>;
  /** Waiting tickets per service in serving order: derived from `tickets`, kept by apply(), never serialized. */
  queues: Map<string, Ticket[]>;
  /** Today's tickets per identity hash, so the one-active-ticket rule reads a few tickets, not the whole day's. Derived. */
  byIdentity: Map<string, Ticket[]>;
}

export const RECENT_CALLS_KEPT = 20;

/** Completed cases stay in the live state (for the public look-up) this many days after completion. */
export const CASES_KEPT_DAYS = 90;
