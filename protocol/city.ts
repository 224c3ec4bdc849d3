/**
 * What a site sends the city (contract v2, the city): each committed state event the city view needs, reduced to
 * counts, numbers, times and ids of services, counters and playbooks. Never an ID number or its hash, a name or a
 * phone: those stay in the site. Pure, shared by the site's city link and the city process.
 */
import type { Severity } from './hall.js';

/** The subject a site publishes its events on, and the one for its name and kind. */
export const citySubjects = (siteId: string) => ({
  events: `city.site.${siteId}.events`,
  info: `city.site.${siteId}.info`,
});

/**
 * The JetStream message id of one event: the engine drops a second message with the same id in its window. A site's
 * log sent again under a new epoch (below) has ids of its own, or the engine would drop the new sending as the old.
 */
export const cityMsgId = (siteId: string, seq: number, epoch = 0) =>
  epoch > 0 ? `${siteId}:${epoch}:${seq}` : `${siteId}:${seq}`;

/** The stream every site's subjects go to, at the city. */
export const CITY_STREAM = 'CITY';
export const CITY_STREAM_SUBJECTS = ['city.site.*.events', 'city.site.*.info'];
/**
 * The largest message the city's stream takes (its `max_msg_size`). An event is about 270 bytes; the limit bounds,
 * with the messages kept per subject, what one site's credentials can make the city's stream hold.
 */
export const CITY_MAX_MESSAGE_BYTES = 2048;

export type SiteKind = 'hall' | 'point';

/** Where a site is (WGS-84 degrees), from its hall file's optional `hall.location`: a public address, not personal. */
export interface GeoPoint {
  lat: number;
  lng: number;
}

/** A site's name, kind and, when its hall file says, its location; sent when its link comes up. */
export interface CitySiteInfo {
  v: 1;
  site: string;
  name: string;
  kind: SiteKind;
  location?: GeoPoint;
}

/** One event of a site, as the city sees it. `prev` is the seq of the site's event sent before it (0 for the first). */
export interface CityEvent {
  v: 1;
  site: string;
  seq: number;
  prev: number;
  /**
   * The sending of the site's log this event belongs to (absent: 0, the first). A site sends its whole log again,
   * from seq 1, under a greater epoch when its database was restored from a backup (its seqs after the copy are
   * new events) or when the city asks (`site.resend`: the city lost its view, or found a gap). The city then
   * rebuilds that site's view from the new sending, and passes over anything of an older one.
   */
  epoch?: number;
  /**
   * On the events of a new sending: the site's log head when it began. Until the city has reached it, its view of the
   * site is being rebuilt (`rebuilding`), not the site's present.
   */
  catchUpTo?: number;
  /**
   * The site's database, a random id made once: two sources sending as one site id at the same epoch (two halls set
   * up with one `hall.id`) are told apart by it.
   */
  src?: string;
  at: number;
  /**
   * The site's clock when it sent the message (ms). With the engine's stored time it tells the city how far the
   * site's clock is off, which the event's own time (`at`) cannot: a backlog's events are old by design.
   */
  sentAt?: number;
  type: CityEventType;
  /** hall.day_started: the new hall day; ticket.issued: the ticket's hall day (YYYY-MM-DD). */
  day?: string;
  /** The ticket's internal id (random, not personal), its number and service. */
  ticketId?: string;
  number?: string;
  serviceId?: string;
  /** ticket.issued: its status as issued (normally waiting). */
  ticketStatus?: string;
  /** ticket.finished: the service time. */
  serviceMs?: number;
  counterId?: string;
  /** counter.status: the counter's new status and, to apply "one staff member holds one counter", the staff's id. */
  status?: 'closed' | 'open' | 'paused';
  staffId?: string;
  /** emergency.changed (v1 logs): the playbooks active after it (a list: contract v2 lets several be active at once). */
  active?: string[];
  /** playbook.activated / playbook.deactivated (v2 logs): which one started or ended; the city keeps the set. */
  playbookId?: string;
}

export const CITY_EVENT_TYPES = [
  'hall.day_started',
  'ticket.issued',
  'ticket.called',
  'ticket.started',
  'ticket.finished',
  'ticket.no_show',
  'ticket.reinstated',
  'ticket.transferred',
  'ticket.cancelled',
  'counter.status',
  'emergency.changed',
  'playbook.activated',
  'playbook.deactivated',
] as const;
export type CityEventType = (typeof CITY_EVENT_TYPES)[number];

/** Down the tree: the stream of the city's directives, one subject per site, and each site's durable consumer. */
export const CITY_DOWN_STREAM = 'CITY_DOWN';
export const cityDownSubject = (siteId: string) => `city.down.${siteId}`;
export const siteConsumer = (siteId: string) => `site-${siteId}`;
/**
 * The subjects a site's replies come on (its JetStream acks, its pulls): its own, so that a site's account may read
 * them and no other client's. `_INBOX.>` would be every client's inbox in the city's account, other sites' events and
 * directives included.
 */
export const siteInboxPrefix = (siteId: string) => `_INBOX_${siteId}`;

/**
 * A change to a site's hall file that the city may push down (closed: these two kinds, no general editor). Each
 * replaces what it names: `calendar` the holidays and make-up working days of one year, `materials` the list of
 * documents a citizen must bring for one service.
 */
export type HallAmendment =
  | { kind: 'calendar'; year: number; holidays: string[]; workdays: string[] }
  | { kind: 'materials'; serviceId: string; materials: string[] };
export type HallAmendmentKind = HallAmendment['kind'];

export const ANNOUNCEMENT_MAX_CHARS = 120;
export const ANNOUNCEMENT_MAX_MS = 7 * 24 * 3600_000;

/**
 * What the city asks a site to do; the site applies it through its own write path and audits it. An announcement
 * (free text, e.g. a typhoon warning) shows as a banner until `until` (epoch ms) or an `announcement.end` naming it.
 */
export type CityDirective = { v: 1; id: string; at: number; note?: string } & (
  | { kind: 'playbook.activate' | 'playbook.deactivate'; playbookId: string }
  | { kind: 'hall.amend'; amendment: HallAmendment }
  | { kind: 'announcement'; text: string; severity: Severity; until: number }
  | { kind: 'announcement.end'; announcementId: string }
  /**
   * The city's view of the site is broken (lost, or a gap): send the log again under a new epoch, greater than
   * `after` (the epoch the city holds for the site: a site whose clock was behind would pick one the city passes over).
   */
  | { kind: 'site.resend'; after?: number }
);

/** The id an announcement has in a site's active playbooks (its banner stacks with theirs). */
export const announcementPlaybookId = (announcementId: string) => `city-announcement-${announcementId}`;

/** Back up the tree: the city's summary of every site, every few seconds, for points' and halls' citizens. */
export const CITY_SUMMARY_SUBJECT = 'city.summary';
export interface CitySummarySite {
  id: string;
  name: string;
  kind: SiteKind;
  waiting: number;
  openCounters: number;
  /** Waiting × the site's average service time today (10 min when none yet) ÷ its open counters. */
  etaMinutes: number;
  /** The site's location, when its hall file has one. */
  location?: GeoPoint;
  /** GET /city/nearby only: the great-circle distance from the asking site, when both have a location. */
  distanceKm?: number;
}
export interface CitySummary {
  at: number;
  sites: CitySummarySite[];
}
