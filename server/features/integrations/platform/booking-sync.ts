/**
 * Pulls bookings from the platform's cursor, page by page until an empty page, and turns each into an appointment
 * through the one write path. A booking version already taken changes nothing; a malformed or refused booking is
 * skipped and audited; a failed page leaves the cursor where it was, so the next run starts there again.
 */
import type { HallService } from '../../../core/hall-service.js';
import { syncBooking } from '../../../domain/decide/bookings.js';
import type { Actor } from '../../../domain/decide/context.js';
import { DomainError } from '../../../domain/errors.js';
import { log } from '../../../log.js';
import { maskFreeText } from '../../../domain/free-text-mask.js';
import type { Db } from '../../../store/db.js';
import type { IntegrationHealth } from '../health.js';
import { readState, writeState } from '../tables.js';
import { bookingSchema, type PlatformApi, type PlatformBooking } from './platform-api.js';

/** Who the platform's changes are audited as. */
export const PLATFORM_ACTOR: Actor = { kind: 'system', id: 'platform', role: 'integration' };
const CURSOR_KEY = 'platform.cursor';
/** A run stops after this many pages and the next run goes on: one run never holds the adapter for ever. */
const MAX_PAGES_PER_RUN = 1000;
/** Bookings decided in one group commit (in page order): 25 keep each commit short (see catch-up-bench). */
const CHUNK = 25;
/**
 * Skipped bookings audited one by one in a run; the rest of the run's are counted in one entry. A platform sending
 * 10,000 malformed bookings wrote 20,000 audit entries, an fsync each, and the hall's p99 went from 28 to 125 ms.
 */
export const SKIPS_AUDITED_PER_RUN = 100;

interface Taken {
  b: PlatformBooking;
  updatedAt: number;
  appointmentId: string | null;
  status: string;
}

interface BookingRow {
  appointment_id: string | null;
  updated_at: number;
}

const SKIPPED_KEY = 'platform.skipped';

export class BookingSync {
  /** Bookings skipped (malformed, unknown service, refused by the hall), kept across restarts. */
  skipped: number;
  /** This run's skips not yet written (one transaction per chunk), and how many went past the per-run limit. */
  private skipsToAudit: Array<{ bookingId?: string; reason: string }> = [];
  private auditedThisRun = 0;
  private notAuditedThisRun = 0;

  constructor(
    private readonly hall: HallService,
    private readonly db: Db,
    private readonly api: PlatformApi,
    private readonly health: IntegrationHealth,
    private readonly isStopped: () => boolean,
  ) {
    this.skipped = Number(readState(db, SKIPPED_KEY) ?? 0) || 0;
  }

  /** Pages until caught up, the platform fails, or the adapter stops; true when the platform answered every page. */
  async run(): Promise<boolean> {
    this.auditedThisRun = 0;
    this.notAuditedThisRun = 0;
    try {
      return await this.pages();
    } finally {
      this.writeSkips();
      if (this.notAuditedThisRun > 0)
        this.hall.audit(PLATFORM_ACTOR, {
          type: 'integration.booking_skipped',
          data: {
            reason: `and ${this.notAuditedThisRun} more bookings skipped in this run (over ${SKIPS_AUDITED_PER_RUN}: see the log)`,
            more: this.notAuditedThisRun,
          },
        });
    }
  }

  private async pages(): Promise<boolean> {
    let cursor = readState(this.db, CURSOR_KEY);
    for (let pages = 0; pages < MAX_PAGES_PER_RUN && !this.isStopped(); pages++) {
      const page = await this.api.bookingsSince(cursor);
      if (!page.ok) {
        this.health.failed(page.error);
        return false;
      }
      // A few bookings at a time: they share one group commit. Then a pause as long as the chunk took, so that a
      // catch-up of thousands holds the hall's commands back at most half of the time (see catch-up-bench).
      for (const chunk of chunksOf(page.bookings, CHUNK)) {
        if (this.isStopped()) return false;
        const started = performance.now();
        const taken = await Promise.all(chunk.map((raw) => this.take(raw)));
        this.remember(taken.filter((t) => t !== undefined));
        this.writeSkips();
        await new Promise((resolve) => setTimeout(resolve, performance.now() - started));
      }
      if (page.cursor !== undefined) writeState(this.db, CURSOR_KEY, page.cursor);
      this.health.succeeded();
      // Caught up; or a page that does not move the cursor (asking again would bring the same page).
      if (page.bookings.length === 0 || page.cursor === undefined || page.cursor === cursor) return true;
      cursor = page.cursor;
    }
    return !this.isStopped();
  }

  /** Decides one booking; returns what to note about it (undefined: nothing new), noted per chunk in one write. */
  private async take(raw: unknown): Promise<Taken | undefined> {
    const parsed = bookingSchema.safeParse(raw);
    if (!parsed.success) {
      const { bookingId: id, updatedAt: at } = (raw ?? {}) as { bookingId?: unknown; updatedAt?: unknown };
      const bookingId = typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
      const updatedAt = typeof at === 'string' ? Date.parse(at) : NaN;
      // A version with an id and a time is noted as skipped: seen again, it is passed over like any other.
      const known = bookingId !== undefined && Number.isFinite(updatedAt);
      if (known && this.versionSeen(bookingId, updatedAt)) return undefined;
      const issue = parsed.error.issues[0];
      this.skip(
        typeof id === 'string' ? id.slice(0, 64) : undefined,
        `malformed: ${issue?.path.join('.')} ${issue?.message}`,
      );
      if (!known) return undefined;
      const appointmentId = this.rowOf(bookingId)?.appointment_id ?? null;
      return { b: { bookingId } as PlatformBooking, updatedAt, appointmentId, status: 'skipped' };
    }
    const b = parsed.data;
    const updatedAt = Date.parse(b.updatedAt);
    const row = this.rowOf(b.bookingId);
    if (row && row.updated_at >= updatedAt) return undefined; // seen this version (or a newer one) already
    const service = this.hall.hallFile.services.find((s) => (s.platformCode ?? s.id) === b.serviceCode);
    if (!service) {
      this.skip(b.bookingId, `unknown service code "${b.serviceCode}"`);
      return { b, updatedAt, appointmentId: row?.appointment_id ?? null, status: 'skipped' };
    }
    try {
      const d = await this.hall.submit(PLATFORM_ACTOR, (ctx, s) =>
        syncBooking(ctx, s, {
          bookingId: b.bookingId,
          cancelled: b.status === 'cancelled',
          appointmentId: row?.appointment_id ?? undefined,
          appointment: appointmentOf(b, service.id),
        }),
      );
      return { b, updatedAt, appointmentId: d.appointmentId ?? row?.appointment_id ?? null, status: b.status };
    } catch (err) {
      // Anything but the hall's refusal (a full disk, …) stops the run: the cursor stays, the booking comes again.
      if (!(err instanceof DomainError)) throw err;
      this.skip(b.bookingId, `${err.code}: ${err.message}`);
      return { b, updatedAt, appointmentId: row?.appointment_id ?? null, status: 'skipped' };
    }
  }

  /** Notes the versions taken, in page order, in one transaction (one fsync per chunk, not one per booking). */
  private remember(taken: Taken[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO platform_bookings (booking_id, appointment_id, updated_at, status) VALUES (?, ?, ?, ?)
       ON CONFLICT (booking_id) DO UPDATE SET appointment_id = excluded.appointment_id,
         updated_at = excluded.updated_at, status = excluded.status
       WHERE excluded.updated_at >= platform_bookings.updated_at`,
    );
    this.db.transaction(() => {
      for (const t of taken) upsert.run(t.b.bookingId, t.appointmentId, t.updatedAt, t.status);
    })();
  }

  private rowOf(bookingId: string): BookingRow | undefined {
    return this.db
      .prepare('SELECT appointment_id, updated_at FROM platform_bookings WHERE booking_id = ?')
      .get(bookingId) as BookingRow | undefined;
  }

  private versionSeen(bookingId: string, updatedAt: number): boolean {
    const row = this.rowOf(bookingId);
    return !!row && row.updated_at >= updatedAt;
  }

  private skip(bookingId: string | undefined, reason: string): void {
    this.skipped++;
    log.warn('platform booking skipped', { bookingId, reason });
    if (this.auditedThisRun >= SKIPS_AUDITED_PER_RUN) {
      this.notAuditedThisRun++;
      return;
    }
    this.auditedThisRun++;
    // The reason quotes what the platform sent (a service code, a field): masked like any free text.
    this.skipsToAudit.push({
      ...(bookingId ? { bookingId: maskFreeText(bookingId) } : {}),
      reason: maskFreeText(reason).slice(0, 200),
    });
  }

  /** The chunk's skips, in one transaction; the count kept beside them. */
  private writeSkips(): void {
    const entries = this.skipsToAudit.map((data) => ({ type: 'integration.booking_skipped' as const, data }));
    this.skipsToAudit = [];
    this.hall.auditEntries(PLATFORM_ACTOR, entries);
    if (entries.length > 0 || this.notAuditedThisRun > 0) writeState(this.db, SKIPPED_KEY, String(this.skipped));
  }
}

/**
 * A page cut into chunks of at most `size`, a new one begun where a booking comes again: the versions of one chunk
 * are decided together against what was noted before it, so a second version of one booking must wait for the first
 * to be noted (or a cancel followed by its older "booked" would book it again).
 */
export function chunksOf(bookings: unknown[], size: number): unknown[][] {
  const chunks: unknown[][] = [];
  let chunk: unknown[] = [];
  let ids = new Set<unknown>();
  for (const raw of bookings) {
    const id = (raw as { bookingId?: unknown } | null)?.bookingId;
    if (chunk.length >= size || (id !== undefined && ids.has(id))) {
      chunks.push(chunk);
      chunk = [];
      ids = new Set();
    }
    chunk.push(raw);
    if (id !== undefined) ids.add(id);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function appointmentOf(b: PlatformBooking, serviceId: string) {
  return {
    serviceId,
    slotStart: Date.parse(b.slotStart),
    slotEnd: Date.parse(b.slotEnd),
    idNumber: b.idNumber,
    name: b.name,
    phone: b.phone,
    code: b.code,
  };
}
