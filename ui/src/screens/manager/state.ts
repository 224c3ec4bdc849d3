/** The dashboard's state: today's figures, devices, follow-ups and the rating feed, beside the live hall view. */
import type { Alert } from '../../protocol/alerts.js';
import type { DeviceKind } from '../../protocol/codes.js';
import type { FollowUpView } from '../../protocol/tickets.js';
import type { Api, StaffSession } from '../../lib/api.js';
import type { HallModel } from '../../lib/hall-model.js';

export interface Stats {
  day: string;
  totals: {
    issued: number;
    served: number;
    noShow: number;
    waiting: number;
    inService: number;
    avgWaitMinutes: number | null;
    avgServiceMinutes: number | null;
    maxWaitMinutes: number | null;
    longestWaitingNowMinutes: number | null;
    outOfTurnCalls: number;
  };
  waitDistribution: Array<{ fromMinutes: number; toMinutes: number | null; count: number }>;
  perHour: Array<{ hour: number; issued: number; served: number }>;
  perCounter: Array<{
    counterId: string;
    name: string;
    served: number;
    noShow: number;
    avgServiceMinutes: number | null;
    avgWaitMinutes: number | null;
    staffName: string | null;
    ratings: Ratings;
  }>;
  perService: Array<{
    serviceId: string;
    prefix: string;
    name: string;
    nameEn?: string;
    issued: number;
    waiting: number;
    served: number;
    noShow: number;
    avgWaitMinutes: number | null;
    avgServiceMinutes: number | null;
  }>;
  perStaff: Array<{
    staffId: string;
    name: string;
    served: number;
    avgServiceMinutes: number | null;
    ratings: Ratings;
  }>;
  ratings: Ratings;
}
export interface Ratings {
  count: number;
  average: number | null;
  satisfiedPercent: number | null;
  byScore: Record<string, number>;
}

export const TABS = [
  'overview',
  'stats',
  'reports',
  'emergency',
  'followups',
  'visits',
  'devices',
  'staff',
  'audit',
] as const;
export type Tab = (typeof TABS)[number];

/** A rating as it arrived on the stream. */
export interface FeedItem {
  counterId?: string;
  score: number;
  at: string;
}

export interface ManagerState {
  stats: Stats | null;
  devices: Device[];
  followUps: FollowUp[];
  /** The latest ratings, newest first. */
  feed: FeedItem[];
  /** Open cases with legal deadlines (GET /cases), by due day. */
  cases: OpenCase[];
  /** The outside systems' health (GET /integrations); empty until loaded. */
  integrations: Partial<Record<OutsideSystem, IntegrationHealthView>>;
  /** Counters that finished tickets within seconds of their call today (GET /alerts, `counter.quick_finishes`). */
  quickFinishes: Alert[];
  /** Green-lane tickets each clerk issued today (GET /alerts, `tickets.green_lane`): each went ahead of everyone. */
  greenLane: Alert[];
  /** The server's external MQTT broker out of reach (GET /alerts, `mqtt.broker_down`): no device works. */
  brokerDown: Alert[];
}

export type OutsideSystem = 'platform' | 'sms' | 'registration';

/** One outside system as GET /integrations shows it (the fields the dashboard uses). */
export interface IntegrationHealthView {
  configured: boolean;
  ok: boolean;
  failingForSeconds: number | null;
  backlog: number;
}

/** A case as GET /cases lists it (the fields the dashboard uses). */
export interface OpenCase {
  id: string;
  number: string;
  serviceId: string;
  counterId: string;
  dueOn: string;
  overdue: boolean;
  dueToday: boolean;
}

export interface Device {
  id: string;
  kind: DeviceKind;
  counterId?: string;
  kioskId?: string;
  online: boolean;
  lastSeen?: number;
  lastStatus?: Record<string, unknown>;
  /** Stopped acknowledging commands. */
  faulty?: boolean;
}

export type FollowUp = FollowUpView;

export interface ManagerContext {
  api: Api;
  session: StaffSession;
  model: HallModel;
  readonly devices: Device[];
  readonly followUps: FollowUp[];
  reloadDevices(): Promise<void>;
  reloadFollowUps(): Promise<void>;
}
