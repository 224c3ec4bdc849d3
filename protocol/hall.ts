/** GET /hall and the stream's snapshot: the hall as every screen sees it (never personal data). */
import type { CounterStatus, IssuingMode, OutOfTurnCategory, TicketStatus } from './codes.js';
import type { TicketView } from './tickets.js';

export interface ServiceView {
  id: string;
  prefix: string;
  name: string;
  nameEn?: string;
  waiting: number;
  etaMinutes: number;
  materials: string[];
  deadlineWorkdays: number | null;
  /** People wait and no open (or briefly paused) counter serves the service: a manager closed its last one. */
  needsCounter?: boolean;
}

export interface CounterView {
  id: string;
  name: string;
  status: CounterStatus;
  pauseReason: string | null;
  current: string | null;
  currentStatus: TicketStatus | null;
  serviceId: string | null;
  calledAt: string | null;
  /** Only for hall devices and staff. */
  staffName: string | null;
  tags?: string[];
  greenLane?: boolean;
  /** Groups of service ids, in the counter's order of preference. */
  services: string[][];
}

export interface CallView {
  number: string;
  serviceId: string;
  counterId: string;
  counterName: string;
  at: string;
  recall: boolean;
  outOfTurn: { category: OutOfTurnCategory } | null;
}

export interface EmergencyView {
  playbookId: string;
  name: string;
  banner: string | null;
  issuing: IssuingMode;
  activatedAt: string;
  /** The manager's note: staff only. */
  note?: string;
}

export interface IssuingView {
  open: boolean;
  withinHours: boolean;
  mode: IssuingMode;
  nextOpenAt: string | null;
}

/** The parts of the hall's policy a screen needs. */
export interface PolicyView {
  /** From this age (by the ID number's birth date) a ticket is a priority one with reason `elderly`. */
  elderlyAge: number;
}

export interface HallView {
  id: string;
  name: string;
  nameEn?: string;
  timezone: string;
  languages: string[];
  /** The hall day, YYYY-MM-DD in the hall's time zone. */
  day: string;
  policy: PolicyView;
  issuing: IssuingView;
  services: ServiceView[];
  counters: CounterView[];
  emergency: EmergencyView | null;
  /** After closing, while tickets already issued are still served (延时服务, R6): until when at the latest. */
  extendedService?: { until: string } | null;
  recentCalls: CallView[];
  /** Staff snapshots only: the tickets waiting, called or being served. */
  tickets?: TicketView[];
}
