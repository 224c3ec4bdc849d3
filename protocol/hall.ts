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
  /** A green-lane ticket (the rule puts it ahead of everyone): the board says so. */
  green?: boolean;
}

export interface EmergencyView {
  playbookId: string;
  name: string;
  banner: string | null;
  issuing: IssuingMode;
  activatedAt: string;
  /** The manager's note: staff only. */
  note?: string;
  /** v2: the headline is the playbook that sets the issuing mode; these come from the whole active set. */
  drill?: boolean;
  /** Every active playbook's banner, most severe first (a drill's says 【演练】). */
  banners?: BannerView[];
  /** The queue is frozen (fire evacuation): no calls, every ticket keeps its place. */
  frozen?: boolean;
  activeIds?: string[];
}

/** A playbook's or announcement's severity, most severe first; the hall file and the city's directives take these. */
export const SEVERITIES = ['life-safety', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface BannerView {
  playbookId: string;
  text: string;
  severity: Severity;
  drill: boolean;
}

/** Who or what started a playbook; ids for staff only. */
export interface CauseView {
  /** `city` (+): a city-wide directive (docs/city.md). */
  by: 'manager' | 'device' | 'metric' | 'integration' | 'city';
  userId?: string;
  directiveId?: string;
  deviceId?: string;
  event?: string;
  metric?: string;
  value?: number;
  system?: string;
  downSince?: string;
}

export interface ActivePlaybookView {
  playbookId: string;
  name: string;
  drill: boolean;
  startedAt: string;
  cause: CauseView;
  note?: string;
  severity: Severity;
  issuing: IssuingMode;
  banner: string | null;
  freezeQueue: boolean;
  mustAcknowledge: boolean;
  /** Staff only: who acknowledged, and when. */
  acknowledgements?: Array<{ by: string; at: string }>;
}

export interface EffectiveView {
  issuing: IssuingMode;
  banners: BannerView[];
  frozen: boolean;
}

/** Contract v2: `{active, effective}` (GET /emergency adds proposals and the hall file's playbooks). */
export interface PlaybooksStateView {
  active: ActivePlaybookView[];
  effective: EffectiveView;
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
  /** v2: every active playbook and their combined effect. */
  playbooks?: PlaybooksStateView;
  /** After closing, while tickets already issued are still served (延时服务, R6): until when at the latest. */
  extendedService?: { until: string } | null;
  recentCalls: CallView[];
  /** Staff snapshots only: the tickets waiting, called or being served. */
  tickets?: TicketView[];
}
