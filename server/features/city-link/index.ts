/**
 * The site's link to the city (contract v2): with CITY_NATS_URL set, every committed event the city needs is sent
 * from the log, in order, in bounded batches, to JetStream with the message id `<site>:<seq>`; the cursor moves only
 * on the engine's PubAck. A cut link leaves the cursor where it was: when the link returns the backlog goes, once.
 */
import { connect, Events, type JetStreamClient, type NatsConnection } from 'nats';
import {
  CITY_EVENT_TYPES,
  CITY_MAX_MESSAGE_BYTES,
  CITY_SUMMARY_SUBJECT,
  citySubjects,
  cityMsgId,
  type CityEvent,
  type CitySiteInfo,
  siteInboxPrefix,
  type CitySummary,
  type GeoPoint,
  type SiteKind,
} from '../../../protocol/city.js';
import type { HallService } from '../../core/hall-service.js';
import type { Feature } from '../../core/feature.js';
import { log } from '../../log.js';
import type { Db } from '../../store/db.js';
import { lastRestoredAt } from '../../store/restore-mark.js';
import { CursorStore } from './cursor.js';
import { orderNearby } from '../../domain/nearest.js';
import { DirectiveReceiver } from './directives.js';
import { activePlaybooks } from '../../domain/playbooks.js';
import { reduceForCity, type LogRow } from './reduce.js';

export interface CityLinkOptions {
  url: string;
  user?: string;
  password?: string;
  site: { id: string; name: string; kind: SiteKind; location?: GeoPoint };
  /** Log entries read per batch: the most held in memory at once. */
  batch?: number;
  /** Longest wait between tries while the city cannot be reached. */
  maxRetryMs?: number;
}

const encoder = new TextEncoder();
const REFUSAL_WARN_EVERY_MS = 5 * 60_000;

/** A message as sent; none, and a warning, when it is over the city stream's message size (it would be refused). */
function forCity(message: CityEvent | CitySiteInfo): Uint8Array | undefined {
  const body = encoder.encode(JSON.stringify(message));
  if (body.length <= CITY_MAX_MESSAGE_BYTES) return body;
  log.warn('city link: a message too large for the city was not sent', {
    type: 'type' in message ? message.type : 'info',
    bytes: body.length,
  });
  return undefined;
}
/** How far back a new sending of the log goes: the hall days that started within this many days. */
export const RESEND_DAYS = 2;

export class CityLink implements Feature {
  readonly name = 'city-link';
  private nc: NatsConnection | undefined;
  private readonly cursor: CursorStore;
  private readonly readRows;
  private pumping = false;
  private again = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = 500;
  /** Since when the city has not taken a batch (undefined: it takes them), and when that was last warned of. */
  private refusedSince: number | undefined;
  private refusalWarnedAt = -Infinity;
  /** The link is down (already warned of): a batch not taken meanwhile is no news. */
  private linkLost = false;
  private offBus: (() => void) | undefined;
  private readonly directives: DirectiveReceiver;
  private summary: CitySummary | undefined;
  /** A new sending of the log asked for (a restore, the city's `site.resend`): begun between two batches. */
  private newEpoch: number | undefined;
  /** The log's head when the sending under way began: its events tell the city (`catchUpTo`) it is not there yet. */
  private resendHead = 0;
  private readonly firstDayStartSince;
  private readonly headSeq;

  constructor(
    private readonly hall: HallService,
    db: Db,
    private readonly opts: CityLinkOptions,
  ) {
    this.cursor = new CursorStore(db);
    this.directives = new DirectiveReceiver(hall, opts.site.id, db, (after) => this.resend(after));
    this.readRows = db.prepare('SELECT seq, at, type, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    // A database restored from a backup goes on from the copy's head: its seqs after it are new events the city must
    // not pass over as seen. The restore's entry (its time) starts a new sending of the whole log.
    this.firstDayStartSince = db
      .prepare("SELECT MIN(seq) FROM events WHERE at >= ? AND type = 'hall.day_started'")
      .pluck();
    // The last entry the city would get (newest first: the scan stops at once on a hall's log).
    this.headSeq = db
      .prepare(
        `SELECT seq FROM events WHERE type IN (${CITY_EVENT_TYPES.map((t) => `'${t}'`).join(', ')})
          ORDER BY seq DESC LIMIT 1`,
      )
      .pluck();
    const restoredAt = lastRestoredAt(db);
    if (restoredAt > this.cursor.get().epoch) {
      this.newEpoch = restoredAt;
      log.warn('city link: the database was restored; its log goes to the city again', { epoch: restoredAt });
    }
  }

  /** The city's `site.resend`: the log again, under an epoch greater than any before. */
  resend(after = 0): void {
    this.newEpoch = Math.max(Date.now(), this.cursor.get().epoch + 1, after + 1);
    log.warn('city link: the city asked for the log again', { epoch: this.newEpoch });
    void this.pump();
  }

  /**
   * Begins a new sending: from the first hall day that started within RESEND_DAYS (the whole log when it is younger),
   * led by the playbooks active now — one activated before the window is in none of the events sent. A year of log
   * sent again was a year of events stored in the city's stream for its max age, for each resend.
   */
  private async beginSending(js: JetStreamClient, epoch: number): Promise<void> {
    const site = this.opts.site.id;
    const windowStart =
      (this.firstDayStartSince.get(this.hall.clock() - RESEND_DAYS * 24 * 3600_000) as number | null) ?? 1;
    const from = windowStart - 1;
    this.resendHead = (this.headSeq.get() as number | null) ?? 0;
    let sent = 0;
    if (from > 0) {
      const lead: CityEvent = {
        v: 1,
        site,
        seq: from,
        prev: 0,
        at: this.hall.clock(),
        type: 'emergency.changed',
        active: activePlaybooks(this.hall.state).map((p) => p.playbookId),
        epoch,
        catchUpTo: this.resendHead,
        src: this.cursor.src,
        sentAt: Date.now(),
      };
      const body = forCity(lead);
      if (body) {
        await js.publish(citySubjects(site).events, body, { msgID: cityMsgId(site, from, epoch), timeout: 5000 });
        sent = from;
      }
    }
    this.cursor.set({ seq: from, sent, epoch });
    // The city may have lost the site's name, kind and place with its read model.
    await this.publishInfo();
  }

  start(): void {
    this.offBus = this.hall.bus.on('committed', () => void this.pump());
    // In the background: the hall serves whether or not the city answers.
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offBus?.();
    this.directives.stop();
    clearTimeout(this.retryTimer);
    await this.nc?.close().catch(() => undefined);
  }

  /** What the city has acknowledged (for tests and the operations page). */
  acknowledged(): { seq: number; sent: number; epoch: number } {
    return this.cursor.get();
  }

  /**
   * The other sites as the city last told them, nearest first when this site and they have a location, else quietest
   * first (for a point's kiosk: "the central hall is quieter"); empty when the city has said nothing for a minute.
   */
  nearby(now = Date.now()): CitySummary {
    const s = this.summary;
    if (!s || now - s.at > 60_000) return { at: s?.at ?? 0, sites: [] };
    return { at: s.at, sites: orderNearby(s.sites, this.opts.site.id, this.opts.site.location) };
  }

  private takeSummary(data: Uint8Array): void {
    if (data.length > 256 * 1024) return;
    try {
      const s = JSON.parse(new TextDecoder().decode(data)) as CitySummary;
      if (typeof s.at === 'number' && Array.isArray(s.sites)) this.summary = { at: s.at, sites: s.sites.slice(0, 500) };
    } catch {
      /* a summary not understood is passed over; the next comes in 5 s */
    }
  }

  private async connect(): Promise<void> {
    try {
      const nc = await connect({
        servers: this.opts.url.split(','),
        user: this.opts.user,
        pass: this.opts.password,
        name: `hallq-site-${this.opts.site.id}`,
        // The site's account may read only its own replies (docs/city.md, Security).
        inboxPrefix: siteInboxPrefix(this.opts.site.id),
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        // A cut link is noticed in seconds, not the client's default minutes.
        pingInterval: 5000,
        maxPingOut: 2,
        // A reconnect try into a dead link gives up in 3 s (the client's default is 20 s) and the next one starts.
        timeout: 3000,
      });
      if (this.stopped) return void (await nc.close());
      this.nc = nc;
      log.info('city link connected', { server: nc.getServer() });
      void this.onConnected();
      void this.directives.run(nc.jetstream());
      nc.subscribe(CITY_SUMMARY_SUBJECT, { callback: (_err, m) => this.takeSummary(m.data) });
      void (async () => {
        for await (const s of nc.status()) {
          if (s.type === Events.Reconnect) {
            this.linkLost = false;
            void this.onConnected();
          }
          if (s.type === Events.Disconnect) {
            this.linkLost = true;
            log.warn('city link lost; the site goes on and sends later');
          }
        }
      })();
    } catch (err) {
      log.warn('city link could not start', { error: (err as Error).message });
    }
  }

  private async onConnected(): Promise<void> {
    await this.publishInfo();
    this.retryMs = 500;
    await this.pump();
  }

  private async publishInfo(): Promise<void> {
    const { id, name, kind, location } = this.opts.site;
    const info: CitySiteInfo = { v: 1, site: id, name: name.slice(0, 100), kind, ...(location ? { location } : {}) };
    const body = forCity(info);
    if (!body) return;
    await this.nc
      ?.jetstream()
      .publish(citySubjects(id).info, body, { timeout: 10_000 })
      .catch((err: Error) => log.warn('city link: the city did not take the site info', { error: err.message }));
  }

  /** Sends the log after the cursor, batch by batch; one pump at a time, a request during it runs it again. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (!this.nc || this.stopped) return;
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && (await this.sendBatch()));
      } while (this.again && !this.stopped);
      this.retryMs = 500;
      if (this.refusedSince !== undefined) {
        log.info('city link: the city takes the site’s events again', { refusedForMs: Date.now() - this.refusedSince });
        this.refusedSince = undefined;
      }
    } catch (err) {
      this.noteRefusal(err as Error);
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.pump(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, this.opts.maxRetryMs ?? 10_000);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * A batch the city did not take. A cut link is already logged; a refusal on a live link (a full stream, a user not
   * allowed the site's subject) would leave the city blind to the site with nothing said: warned at once, then every
   * 5 minutes while it lasts.
   */
  private noteRefusal(err: Error): void {
    const now = Date.now();
    if (this.refusedSince === undefined) this.refusedSince = now;
    if (this.linkLost || !this.nc || this.nc.isClosed() || now - this.refusalWarnedAt < REFUSAL_WARN_EVERY_MS) {
      log.debug('city link: a batch was not acknowledged; trying again later', { error: err.message });
      return;
    }
    this.refusalWarnedAt = now;
    log.warn('city link: the city did not take the site’s events; trying again', {
      error: err.message,
      refusedForMs: now - this.refusedSince,
    });
  }

  /** One batch: published together, the cursor moved past what was acknowledged in order. False when none is left. */
  private async sendBatch(): Promise<boolean> {
    if (this.newEpoch !== undefined) {
      await this.beginSending(this.nc!.jetstream(), this.newEpoch);
      this.newEpoch = undefined;
    }
    const start = this.cursor.get();
    const rows = (this.readRows.all(start.seq, this.opts.batch ?? 200) as Array<LogRow & { data: string }>).map(
      (r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }),
    );
    if (rows.length === 0) return false;
    const js = this.nc!.jetstream();
    const site = this.opts.site.id;
    const subject = citySubjects(site).events;
    let prev = start.sent;
    const sends = rows.map((row) => {
      const event = reduceForCity(site, prev, row, start.epoch);
      if (!event) return undefined;
      if (row.seq < this.resendHead) event.catchUpTo = this.resendHead;
      event.src = this.cursor.src;
      event.sentAt = Date.now();
      const body = forCity(event);
      if (!body) return undefined;
      prev = row.seq;
      return js.publish(subject, body, {
        msgID: cityMsgId(site, row.seq, start.epoch),
        timeout: 5000,
      });
    });
    const results = await Promise.allSettled(sends.map((s) => s ?? Promise.resolve(undefined)));
    const next = { ...start };
    for (let i = 0; i < rows.length; i++) {
      const r = results[i];
      if (r.status === 'rejected') {
        this.cursor.set(next);
        throw r.reason as Error;
      }
      next.seq = rows[i].seq;
      if (sends[i]) next.sent = rows[i].seq;
    }
    this.cursor.set(next);
    return true;
  }
}
