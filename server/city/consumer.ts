/**
 * The city's durable consumer: makes sure the stream and the consumer exist, then applies each message to the read
 * model and acks it only after the read model's commit. A crash between the two redelivers a message the read model
 * already holds, and the read model passes it over (by site and seq): nothing is counted twice.
 */
import { AckPolicy, connect, DeliverPolicy, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import {
  CITY_DOWN_STREAM,
  CITY_STREAM,
  CITY_SUMMARY_SUBJECT,
  cityDownSubject,
  siteConsumer,
  type CityDirective,
  type CityEvent,
  type CitySiteInfo,
} from '../../protocol/city.js';
import { log } from '../log.js';
import { OFFLINE_AFTER_MS, type CityReadModel } from './read-model.js';
import { DEFAULT_LIMITS, ensureCityStreams, type CityStreamLimits } from './stream-config.js';
import { cityEventSchema, citySiteInfoSchema } from './message-schema.js';

export const CITY_CONSUMER = 'city-view';
const decoder = new TextDecoder();
/** A site with a gap in its events is asked to send its log again at most this often (it may be offline for days). */
export const RESEND_EVERY_MS = 10 * 60_000;
const DROPS_LOGGED_EVERY_MS = 60_000;
/** How often the city looks which sites' links are up (read-model.ts OFFLINE_AFTER_MS). */
export const LIVENESS_MS = 30_000;
const SEEN_EVERY_MS = 10_000;

export interface CityConsumerOptions {
  url: string;
  user?: string;
  password?: string;
  /** How many city servers keep each message (3 in a cluster of three). */
  replicas: number;
  /** How long and how much the city's streams keep (default DEFAULT_LIMITS). */
  limits?: CityStreamLimits;
}

export class CityConsumer {
  private nc: NatsConnection | undefined;
  private messages: ConsumerMessages | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  /** When each site was last asked to send its log again. */
  private readonly resendAskedAt = new Map<string, number>();
  /** When each site was last marked seen: a write to the read model at most every SEEN_EVERY_MS, not per message. */
  private readonly markedSeenAt = new Map<string, number>();
  /** Per subject: messages dropped since the last line about them, and when that was. */
  private readonly drops = new Map<string, { count: number; loggedAt: number }>();

  constructor(
    private readonly model: CityReadModel,
    private readonly opts: CityConsumerOptions,
    private readonly clock: () => number = Date.now,
  ) {
    const warned = new Map<string, number>();
    model.onDuplicate = (site) => {
      const now = this.clock();
      if (now - (warned.get(site) ?? -Infinity) < 60_000) return;
      warned.set(site, now);
      log.error('city: two sources send as one site id (two halls with one hall.id, or an old copy still running)', {
        site,
      });
      // Whichever takes the request sends anew and holds the view: a site replaced by a new install takes over by
      // itself (the old one is gone); two live ones stay flagged.
      this.askResend(site, 'two sources send as it');
    };
    // Stragglers of an old sending pass over quietly; a site that goes on sending under an older epoch than the city
    // holds (its clock was behind at a restore) would be passed over for good: asked again, above the held epoch.
    model.onStale = (site) => this.askResend(site, 'it sends under an older epoch');
  }

  async start(): Promise<void> {
    this.nc = await connect({
      servers: this.opts.url.split(','),
      user: this.opts.user,
      pass: this.opts.password,
      name: 'hallq-city',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      pingInterval: 5000,
      maxPingOut: 2,
    });
    // A city cluster that has just started elects its JetStream leader first: wait for it rather than fail.
    for (let tries = 0; ; tries++) {
      try {
        await this.ensureStream();
        break;
      } catch (err) {
        if (tries >= 120 || this.stopped) throw err;
        log.warn('city stream not ready yet; trying again', { error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.loop = this.run();
    await this.askUnknownSites();
    await this.checkLiveness();
    this.livenessTimer = setInterval(() => void this.checkLiveness(), LIVENESS_MS);
    // Plain NATS, not stored: a summary is worth only its newest copy.
    this.summaryTimer = setInterval(() => this.publishSummary(), 5000);
    this.publishSummary();
  }

  /**
   * Sites the city has a directives consumer for but no view of (its read model was lost, or made anew): asked for
   * their logs at once, not at their next event — a quiet site would otherwise show nothing, or not be listed at all.
   */
  private async askUnknownSites(): Promise<void> {
    try {
      const known = new Set(this.model.sites().map((s) => s.id));
      for (const site of await this.sitesWithConsumers())
        if (!known.has(site)) this.askResend(site, 'the read model does not have it');
    } catch (err) {
      log.warn('city: the sites to ask for their logs are not known now', { error: (err as Error).message });
    }
  }

  /** The sites the city has made a directives consumer for: every site that ever linked, read model or not. */
  async sitesWithConsumers(): Promise<string[]> {
    const jsm = await this.nc!.jetstreamManager({ timeout: 3000 });
    const prefix = siteConsumer('');
    return (await jsm.consumers.list(CITY_DOWN_STREAM).next())
      .map((c) => (c.name.startsWith(prefix) ? c.name.slice(prefix.length) : ''))
      .filter((site) => site !== '');
  }

  /**
   * Which sites' links are up, with nothing new on the wire: a site's link keeps a pull waiting on its directives'
   * consumer (it expires after 30 s and is renewed), so the consumer's `num_waiting` says whether the site is there.
   */
  async checkLiveness(): Promise<void> {
    try {
      const jsm = await this.nc!.jetstreamManager({ timeout: 3000 });
      const now = this.clock();
      for (const s of this.model.sites(now)) {
        const info = await jsm.consumers.info(CITY_DOWN_STREAM, siteConsumer(s.id)).catch(() => undefined);
        if ((info?.num_waiting ?? 0) > 0) this.model.markSeen(s.id, now);
      }
    } catch (err) {
      if (!this.stopped) log.warn('city: which sites are linked is not known now', { error: (err as Error).message });
    }
  }

  private publishSummary(): void {
    try {
      const body = JSON.stringify({ at: this.clock(), sites: this.model.summary(this.clock()) });
      this.nc?.publish(CITY_SUMMARY_SUBJECT, new TextEncoder().encode(body));
    } catch (err) {
      log.warn('city summary not sent', { error: (err as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.summaryTimer);
    clearInterval(this.livenessTimer);
    this.messages?.stop();
    await this.loop?.catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
  }

  private async ensureStream(): Promise<void> {
    // Short: a request lost while the cluster elects a new leader is asked again rather than waited for.
    const jsm = await this.nc!.jetstreamManager({ timeout: 3000 });
    await ensureCityStreams(jsm, this.opts.replicas, this.opts.limits ?? DEFAULT_LIMITS);
    await jsm.consumers.info(CITY_STREAM, CITY_CONSUMER).catch(() =>
      jsm.consumers.add(CITY_STREAM, {
        durable_name: CITY_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(30_000),
      }),
    );
  }

  /** Consumes until stopped; a consume that ends (a city server gone, the consumer's leader moved) starts again. */
  private async run(): Promise<void> {
    const js = this.nc!.jetstream();
    while (!this.stopped) {
      try {
        const consumer = await js.consumers.get(CITY_STREAM, CITY_CONSUMER);
        this.messages = await consumer.consume({ max_messages: 256 });
        // Stopped while the consume was being set up: stop() found nothing to stop.
        if (this.stopped) this.messages.stop();
        // The messages at hand are applied in one transaction (one fsync, not one each), then acked.
        const batch: JsMsg[] = [];
        let scheduled = false;
        const flush = () => {
          scheduled = false;
          // Stopped meanwhile (the read model may be closed): left unacked, the engine delivers them again.
          if (this.stopped) return;
          const taken = batch.splice(0);
          this.model.db.transaction(() =>
            taken.forEach((m) => this.handle(m.subject, m.data, m.info.timestampNanos / 1e6)),
          )();
          for (const m of taken) m.ack();
        };
        for await (const m of this.messages) {
          batch.push(m);
          if (batch.length >= 256) flush();
          else if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        }
      } catch (err) {
        if (!this.stopped) log.warn('city consumer interrupted; resuming', { error: (err as Error).message });
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 500));
    }
  }

  /**
   * The durable consumer a site reads the city's directives from (the site may read it, not make it). One directive
   * in flight at a time: one whose ack was lost comes again before any later one, so a site applies them in order.
   */
  private async ensureSiteConsumer(site: string): Promise<void> {
    try {
      const jsm = await this.nc!.jetstreamManager();
      const name = siteConsumer(site);
      const info = await jsm.consumers.info(CITY_DOWN_STREAM, name).catch(() => undefined);
      if (!info)
        await jsm.consumers.add(CITY_DOWN_STREAM, {
          durable_name: name,
          filter_subject: cityDownSubject(site),
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          max_ack_pending: 1,
        });
      // Made by an older city process, with many in flight.
      else if (info.config.max_ack_pending !== 1)
        await jsm.consumers.update(CITY_DOWN_STREAM, name, { max_ack_pending: 1 });
    } catch (err) {
      log.warn('site directive consumer not made', { site, error: (err as Error).message });
    }
  }

  /** Sends a directive to each site, stored until that site has read it. Returns the sites it went to. */
  async sendDirective(d: CityDirective, sites: string[]): Promise<string[]> {
    const js = this.nc!.jetstream();
    const body = new TextEncoder().encode(JSON.stringify(d));
    for (const site of sites) {
      await this.ensureSiteConsumer(site);
      await js.publish(cityDownSubject(site), body, { msgID: `${d.id}:${site}`, timeout: 10_000 });
    }
    return sites;
  }

  /**
   * Asks a site for its log again (at most every RESEND_EVERY_MS): a gap in its events (the read model began empty,
   * the stream's limits dropped events) would otherwise wait in `pending` for ever; so would a site the read model
   * lost, a site under an older epoch, or the loser of two sources with one id.
   */
  private askResend(site: string, why: string): void {
    const now = this.clock();
    if (now - (this.resendAskedAt.get(site) ?? -Infinity) < RESEND_EVERY_MS) return;
    this.resendAskedAt.set(site, now);
    log.warn('city: asking a site to send its log again', { site, why });
    const directive: CityDirective = {
      v: 1,
      id: `resend-${site}-${now}`,
      at: now,
      kind: 'site.resend',
      after: this.model.epochOf(site),
    };
    this.sendDirective(directive, [site]).catch((err: Error) => {
      this.resendAskedAt.delete(site);
      log.warn('city: the resend request was not stored', { site, error: err.message });
    });
  }

  private handle(subject: string, data: Uint8Array, storedAt: number): void {
    try {
      const isInfo = subject.endsWith('.info');
      const raw: unknown = JSON.parse(decoder.decode(data));
      const parsed = isInfo ? citySiteInfoSchema.safeParse(raw) : cityEventSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return this.dropped(subject, `not understood: ${issue?.path.join('.')}: ${issue?.message}`);
      }
      const body = parsed.data;
      const site = subject.split('.')[2];
      // A site's subject names it (the accounts let a site publish only its own): the body cannot claim another.
      if (body.site !== site) return this.dropped(subject, 'names another site');
      const now = this.clock();
      if (isInfo) {
        this.model.applyInfo(body as CitySiteInfo);
        void this.ensureSiteConsumer(site);
      } else {
        // Nothing applied: it may wait in `pending` for one that never comes.
        if (this.model.applyEvent(body as CityEvent, now, storedAt) === 0 && this.model.hasGap(site))
          this.askResend(site, 'its events have a gap');
      }
      // Sent by its link just now, or a backlog read late: seen when the message was stored (JetStream's time) is
      // what says the link was up; a message read from a backlog much later says nothing about now.
      if (now - storedAt < OFFLINE_AFTER_MS && now - (this.markedSeenAt.get(site) ?? -Infinity) >= SEEN_EVERY_MS) {
        this.markedSeenAt.set(site, now);
        this.model.markSeen(site, Math.round(Math.min(now, storedAt)));
      }
    } catch (err) {
      this.dropped(subject, `not understood: ${(err as Error).message}`);
    }
  }

  /**
   * A message dropped, said at most once a minute a subject with how many since: one site's login sending junk at
   * 16,500 a second (kept by the stream, its own oldest pushed out) wrote a line for each, 10 GB of log an hour.
   */
  private dropped(subject: string, why: string): void {
    const now = this.clock();
    let d = this.drops.get(subject);
    if (!d) {
      if (this.drops.size >= 1000) this.drops.delete(this.drops.keys().next().value!);
      d = { count: 0, loggedAt: -Infinity };
      this.drops.set(subject, d);
    }
    d.count++;
    if (now - d.loggedAt < DROPS_LOGGED_EVERY_MS) return;
    log.warn('city message dropped', { subject, why: why.slice(0, 200), dropped: d.count });
    d.count = 0;
    d.loggedAt = now;
  }
}
