/**
 * The SMS outbox: every `sms.request` becomes a row in SQLite (the number sealed, never in clear) before anything is
 * sent, so a restart or a power cut loses nothing; rows go to the gateway oldest first within a hall-wide and a
 * per-number limit, are retried with exponential backoff on 5xx or no answer, and dropped and audited on a 4xx.
 * One message failing never holds up the others. Off while SMS_URL is unset: requests are then ignored.
 */
import type { BusEvents, EventBus, SmsRecipient } from '../../../core/event-bus.js';
import type { Feature } from '../../../core/feature.js';
import type { HallService } from '../../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../../domain/decide/context.js';
import { log } from '../../../log.js';
import type { Db } from '../../../store/db.js';
import { IntegrationHealth } from '../health.js';
import { backoffMs } from '../retry-schedule.js';
import type { SmsGateway } from './sms-api.js';

export interface SmsLimits {
  perMinute: number;
  perNumberPerHour: number;
}

interface OutboxRow {
  key: string;
  to_sealed: string;
  to_hash: string;
  template: BusEvents['sms.request']['template'];
  params: string;
  attempts: number;
}

const SMS_ACTOR = { kind: 'system' as const, id: 'sms' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Messages waiting at most: past it new requests are refused (logged), so nobody can fill the disk through it. */
const MAX_PENDING = 20_000;
/** A message not sent within a day is no use any more (a turn long past, a reminder for yesterday). */
const EXPIRE_AFTER_MS = 24 * HOUR;
/** Sent and dropped rows are kept this long (the per-number limit and a look back), then pruned. */
const KEEP_DONE_MS = 7 * 24 * HOUR;
const ROUND = 100;
const DRAIN_EVERY_MS = 5_000;

export class SmsOutbox implements Feature {
  readonly name = 'sms-outbox';
  readonly health: IntegrationHealth;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private running = false;
  private stopped = false;
  private requested: Array<BusEvents['sms.request']> = [];

  constructor(
    private readonly hall: HallService,
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly gateway: SmsGateway | undefined,
    private readonly limits: SmsLimits,
  ) {
    this.health = new IntegrationHealth('sms', !!gateway, bus, hall.clock, () => this.backlog());
  }

  start(): void {
    if (!this.gateway) return;
    this.makeAllDue();
    this.unsubscribe = this.bus.on('sms.request', (r) => this.requestSoon(r));
    this.timer = setInterval(() => void this.tick(), DRAIN_EVERY_MS);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.writeRequested();
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.current;
  }

  backlog(): number {
    return this.db.prepare("SELECT count(*) FROM sms_outbox WHERE state = 'pending'").pluck().get() as number;
  }

  /** Writes a request to the outbox; false when it is a repeat of a key, has nobody to text, or the outbox is full. */
  accept(r: BusEvents['sms.request']): boolean {
    const sealed = this.phoneOf(r.to);
    if (!sealed) return false;
    if (this.backlog() >= MAX_PENDING) {
      log.warn('SMS outbox full; message not kept', { key: r.key, template: r.template });
      return false;
    }
    const now = this.hall.clock();
    const params = { ...r.params, hall: this.hall.site.name };
    const res = this.db
      .prepare(
        `INSERT OR IGNORE INTO sms_outbox (key, to_sealed, to_hash, template, params, created_at, next_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.key.slice(0, 200), sealed, this.numberHash(sealed), r.template, JSON.stringify(params), now, now);
    return res.changes > 0;
  }

  /**
   * Requests come in the middle of the bus's fan-out (turn-near after a call): they are written together at the end
   * of the turn, in one transaction, instead of one fsync each on the hall's hot path.
   */
  private requestSoon(r: BusEvents['sms.request']): void {
    this.requested.push(r);
    if (this.requested.length === 1) setImmediate(() => this.writeRequested());
  }

  private writeRequested(): void {
    const batch = this.requested;
    this.requested = [];
    if (batch.length === 0) return;
    const kept = this.db.transaction(() => batch.filter((r) => this.accept(r)).length)();
    if (kept > 0) void this.tick();
  }

  /** One drain now, after the one in flight (tests, and a restart's catch-up). */
  async drainNow(): Promise<void> {
    this.writeRequested();
    await this.current;
    await this.tick();
  }

  private tick(): Promise<void> {
    if (this.running || this.stopped || !this.gateway) return this.current;
    this.running = true;
    const gateway = this.gateway;
    this.current = this.drain(gateway)
      .catch((err: unknown) => log.error('SMS outbox failed', { error: (err as Error).message }))
      .finally(() => (this.running = false));
    return this.current;
  }

  private async drain(gateway: SmsGateway): Promise<void> {
    const now = this.hall.clock();
    this.db
      .prepare("UPDATE sms_outbox SET state = 'expired', done_at = ? WHERE state = 'pending' AND created_at < ?")
      .run(now, now - EXPIRE_AFTER_MS);
    this.db.prepare("DELETE FROM sms_outbox WHERE state != 'pending' AND done_at < ?").run(now - KEEP_DONE_MS);
    const due = this.db
      .prepare(
        `SELECT key, to_sealed, to_hash, template, params, attempts FROM sms_outbox
         WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, created_at LIMIT ?`,
      )
      .all(now, ROUND) as OutboxRow[];
    for (const row of due) {
      if (this.stopped || this.sentSince(this.hall.clock() - MINUTE) >= this.limits.perMinute) return;
      const waitUntil = this.numberFreeAt(row.to_hash);
      if (waitUntil > this.hall.clock()) {
        this.db.prepare('UPDATE sms_outbox SET next_at = ? WHERE key = ?').run(waitUntil, row.key);
        continue;
      }
      const to = this.hall.unseal(row.to_sealed);
      const out = await gateway.send({ to, template: row.template, params: JSON.parse(row.params), key: row.key });
      if (out.kind === 'answered') {
        this.finish(row.key, 'sent');
        if (!this.health.working) this.makeAllDue();
        this.health.succeeded();
      } else if (out.kind === 'refused') {
        this.finish(row.key, 'dropped', out.error);
        log.warn('SMS gateway refused a message for good', { key: row.key, status: out.status });
        this.hall.audit(SMS_ACTOR, {
          type: 'integration.message_dropped',
          data: { system: 'sms', key: row.key, status: out.status, reason: out.error },
        });
      } else {
        const attempts = row.attempts + 1;
        this.db
          .prepare('UPDATE sms_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE key = ?')
          .run(attempts, this.hall.clock() + backoffMs(attempts, 10_000), out.error, row.key);
        this.health.failed(out.error);
        // No answer at all: the gateway is down, the rest would only wait for their timeouts too.
        if (out.status === undefined) return;
      }
    }
  }

  /** A start, or the gateway answering again after failures: whatever waits on its backoff is tried now. */
  private makeAllDue(): void {
    const now = this.hall.clock();
    this.db.prepare("UPDATE sms_outbox SET next_at = ? WHERE state = 'pending' AND next_at > ?").run(now, now);
  }

  private finish(key: string, state: 'sent' | 'dropped', error?: string): void {
    this.db
      .prepare('UPDATE sms_outbox SET state = ?, done_at = ?, last_error = ? WHERE key = ?')
      .run(state, this.hall.clock(), error ?? null, key);
  }

  private sentSince(from: number): number {
    return this.db
      .prepare("SELECT count(*) FROM sms_outbox WHERE state = 'sent' AND done_at > ?")
      .pluck()
      .get(from) as number;
  }

  /** When the number may get its next message: now, or when the oldest of the last hour's leaves the window. */
  private numberFreeAt(toHash: string): number {
    const sent = this.db
      .prepare(
        "SELECT done_at FROM sms_outbox WHERE to_hash = ? AND state = 'sent' AND done_at >= ? ORDER BY done_at DESC LIMIT ?",
      )
      .pluck()
      .all(toHash, this.hall.clock() - HOUR, this.limits.perNumberPerHour) as number[];
    return sent.length < this.limits.perNumberPerHour ? 0 : sent[sent.length - 1] + HOUR;
  }

  /**
   * The sealed number of whom a request names: a ticket's, an appointment's, a pre-review applicant's or a staff
   * member's (set by a manager, `staff.contact_set`).
   */
  private phoneOf(to: SmsRecipient): string | undefined {
    if ('ticketId' in to) return this.hall.state.tickets.get(to.ticketId)?.phoneSealed;
    if ('appointmentId' in to) return this.hall.state.appointments.get(to.appointmentId)?.phoneSealed;
    if ('prereviewId' in to) return this.hall.state.prereviews.get(to.prereviewId)?.phoneSealed;
    return this.hall.state.staff?.[to.staff]?.phoneSealed;
  }

  /** A keyed hash of the number, for the per-number limit: equal numbers match, the hash reveals none. */
  private numberHash(sealed: string): string {
    const digits = this.hall.unseal(sealed).replace(/\D/g, '');
    return this.hall.context(SYSTEM_ACTOR).identityHash(`sms:${digits}`);
  }
}
