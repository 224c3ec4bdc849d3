/**
 * The city's read model, in its own SQLite file: each site's tickets of the day, counters, active playbooks and
 * figures by day, built from the sites' events. Idempotent by (site, seq): an event at or below a site's last seq is
 * passed over, one whose `prev` is not the last seq yet waits in `pending` until the ones before it arrive.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CityEvent, CitySiteInfo, CitySummarySite, GeoPoint } from '../../protocol/city.js';

export interface CitySite {
  id: string;
  name: string;
  kind: string;
  location?: GeoPoint;
  waiting: number;
  servedToday: number;
  openCounters: number;
  active: string[];
  lastEventAt: number | null;
  lagSeconds: number | null;
  /**
   * How far the site's clock is ahead of the city's (behind: negative), when 30 s or more; null otherwise (and for a
   * site of an earlier release). The smallest gap, over the last 10 minutes, between a message's sending on the
   * site's clock (`sentAt`) and its storing on the engine's. `lagSeconds` is corrected by it.
   */
  clockSkewSeconds: number | null;
  /**
   * Whether the site's link is up: it was last seen (its pull on its directives' consumer, checked every
   * LIVENESS_MS) within OFFLINE_AFTER_MS on the city's clock. A site whose link is down shows figures as they were
   * when it went; the citizens' summary leaves it out.
   */
  online: boolean;
  lastSeenAt: number | null;
  /**
   * Two sources send as this site id (two halls set up with one `hall.id`, or a restored site's old copy still
   * running): an event of an older sending was made after the newer one began. True for DUPLICATE_MS after the last.
   */
  duplicate: boolean;
  /**
   * The site is sending its log again and the city has not caught up yet: its figures are not the site's present
   * (left out of the citizens' summary until they are).
   */
  rebuilding: boolean;
}

/** How long a site stays flagged `duplicate` after the last sign of a second source. */
export const DUPLICATE_MS = 10 * 60_000;
/** Clocks of a site's two copies may differ this much before an old sending's event counts as made after a new one. */
const SKEW_MS = 60_000;

/** A site not seen connected for this long (on the city's clock) is offline. */
export const OFFLINE_AFTER_MS = 90_000;
/**
 * Events of one site kept waiting for an earlier one (a batch stored out of order is at most 200): ~10 MB at the
 * stream's 2 KiB a message. A site's login sent 100 of 900 KB that never could be applied, and the city kept them all.
 */
export const MAX_PENDING_PER_SITE = 5_000;
/** How long a site's smallest storing gap stands as its clock offset before a new sample replaces it. */
const OFFSET_WINDOW_MS = 10 * 60_000;
/** An offset below this is the sending's own delay and the clocks' ordinary drift: not skew. */
const SKEW_SHOWN_MS = 30_000;
const skewMs = (offset: number | null) => (offset !== null && Math.abs(offset) >= SKEW_SHOWN_MS ? offset : 0);

export interface CityDay {
  day: string;
  issued: number;
  served: number;
  noShow: number;
  cancelled: number;
  avgWaitMinutes: number | null;
  avgServiceMinutes: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'hall',
  last_seq INTEGER NOT NULL DEFAULT 0, last_event_at INTEGER, lag_ms INTEGER, day TEXT, active TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS pending (site TEXT NOT NULL, seq INTEGER NOT NULL, prev INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (site, seq));
CREATE INDEX IF NOT EXISTS pending_prev ON pending (site, prev);
CREATE TABLE IF NOT EXISTS tickets (site TEXT NOT NULL, id TEXT NOT NULL, day TEXT, service_id TEXT, status TEXT NOT NULL,
  issued_at INTEGER NOT NULL, counter_id TEXT, PRIMARY KEY (site, id));
CREATE INDEX IF NOT EXISTS tickets_status ON tickets (site, status);
CREATE TABLE IF NOT EXISTS counters (site TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, staff_id TEXT,
  current TEXT, PRIMARY KEY (site, id));
CREATE TABLE IF NOT EXISTS day_figures (site TEXT NOT NULL, day TEXT NOT NULL, issued INTEGER NOT NULL DEFAULT 0,
  called INTEGER NOT NULL DEFAULT 0, served INTEGER NOT NULL DEFAULT 0, no_show INTEGER NOT NULL DEFAULT 0,
  cancelled INTEGER NOT NULL DEFAULT 0, wait_ms INTEGER NOT NULL DEFAULT 0, service_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, day));
`;

type Figure = 'issued' | 'called' | 'served' | 'no_show' | 'cancelled';

export class CityReadModel {
  readonly db: Database.Database;
  /** Told when a second source sends as a site (the consumer logs it). */
  onDuplicate?: (site: string) => void;
  /** Told when a site's events are passed over for an older epoch (a site whose clock was behind at its restore). */
  onStale?: (site: string) => void;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.db = new Database(join(dataDir, 'city.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    // A read model made before sites had a location gains the columns (null: no location, ordered as before).
    const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('sites') as string[];
    if (!columns.includes('lat'))
      this.db.exec('ALTER TABLE sites ADD COLUMN lat REAL; ALTER TABLE sites ADD COLUMN lng REAL');
    if (!columns.includes('epoch')) this.db.exec('ALTER TABLE sites ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0');
    if (!columns.includes('seen_at')) this.db.exec('ALTER TABLE sites ADD COLUMN seen_at INTEGER');
    if (!columns.includes('duplicate_at')) this.db.exec('ALTER TABLE sites ADD COLUMN duplicate_at INTEGER');
    if (!columns.includes('catch_up_to')) this.db.exec('ALTER TABLE sites ADD COLUMN catch_up_to INTEGER');
    if (!columns.includes('clock_offset_ms'))
      this.db.exec(
        'ALTER TABLE sites ADD COLUMN clock_offset_ms INTEGER; ALTER TABLE sites ADD COLUMN offset_at INTEGER',
      );
    if (!columns.includes('src')) this.db.exec('ALTER TABLE sites ADD COLUMN src TEXT');
    if (!columns.includes('redo_days'))
      this.db.exec('ALTER TABLE sites ADD COLUMN redo_days INTEGER NOT NULL DEFAULT 0');
  }

  close(): void {
    this.db.close();
  }

  /** A site's name, kind and location (sent when its link comes up; a location out of range is kept as none). */
  applyInfo(info: CitySiteInfo): void {
    const at = info.location;
    const degrees = (v: unknown, limit: number) => typeof v === 'number' && Math.abs(v) <= limit;
    const valid = at && degrees(at.lat, 90) && degrees(at.lng, 180);
    this.db
      .prepare(
        `INSERT INTO sites (id, name, kind, lat, lng) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET
          name = excluded.name, kind = excluded.kind, lat = excluded.lat, lng = excluded.lng`,
      )
      .run(info.site, info.name, info.kind, valid ? at.lat : null, valid ? at.lng : null);
  }

  /**
   * Applies one event (and any that waited for it) in one transaction. Returns how many were applied. An event of a
   * newer sending of the site's log (its epoch) first clears what the city held of the site: the new sending starts
   * from seq 1 and rebuilds it. One of an older sending is passed over.
   */
  applyEvent(e: CityEvent, receivedAt: number, storedAt?: number): number {
    return this.db.transaction(() => {
      this.ensureSite(e.site);
      if (storedAt !== undefined && e.sentAt !== undefined)
        this.noteClockOffset(e.site, storedAt - e.sentAt, receivedAt);
      const epoch = e.epoch ?? 0;
      // One read of what the city holds for the site: this runs for every event of every site.
      const { epoch: held, src } = this.db.prepare('SELECT epoch, src FROM sites WHERE id = ?').get(e.site) as {
        epoch: number;
        src: string | null;
      };
      if (epoch < held) {
        // Stragglers of the old sending are passed over; one made after the new sending began has another source.
        if (e.at > held + SKEW_MS) {
          this.db.prepare('UPDATE sites SET duplicate_at = ? WHERE id = ?').run(receivedAt, e.site);
          this.onDuplicate?.(e.site);
        } else this.onStale?.(e.site);
        return 0;
      }
      if (epoch === held && e.src && src && e.src !== src) {
        // Another database sends as this site at the same epoch: two halls with one id. The first keeps the view.
        this.db.prepare('UPDATE sites SET duplicate_at = ? WHERE id = ?').run(receivedAt, e.site);
        this.onDuplicate?.(e.site);
        return 0;
      }
      if (epoch > held) this.clearSite(e.site, epoch);
      // A newer sending (or the first word of a source) names the site's source from now on.
      if (e.src && e.src !== src) this.db.prepare('UPDATE sites SET src = ? WHERE id = ?').run(e.src, e.site);
      if (e.catchUpTo !== undefined)
        this.db
          .prepare('UPDATE sites SET catch_up_to = MAX(COALESCE(catch_up_to, 0), ?) WHERE id = ?')
          .run(e.catchUpTo, e.site);
      const last = this.lastSeq(e.site);
      if (e.seq <= last) return 0;
      if (e.prev !== last) {
        // Bounded: past it the gap stays and the site is asked for its log again (consumer.ts), which clears these.
        const waiting = this.db.prepare('SELECT COUNT(*) FROM pending WHERE site = ?').pluck().get(e.site) as number;
        if (waiting < MAX_PENDING_PER_SITE)
          this.db
            .prepare('INSERT OR IGNORE INTO pending (site, seq, prev, body) VALUES (?, ?, ?, ?)')
            .run(e.site, e.seq, e.prev, JSON.stringify(e));
        return 0;
      }
      this.applyOne(e, receivedAt);
      let applied = 1;
      const next = this.db.prepare('SELECT seq, body FROM pending WHERE site = ? AND prev = ?');
      for (;;) {
        const row = next.get(e.site, this.lastSeq(e.site)) as { seq: number; body: string } | undefined;
        if (!row) break;
        this.db.prepare('DELETE FROM pending WHERE site = ? AND seq = ?').run(e.site, row.seq);
        this.applyOne(JSON.parse(row.body) as CityEvent, receivedAt);
        applied++;
      }
      this.db.prepare('DELETE FROM pending WHERE site = ? AND seq <= ?').run(e.site, this.lastSeq(e.site));
      return applied;
    })();
  }

  /**
   * One sample of the gap between the engine's storing of a site's message and its sending on the site's clock: the
   * network's delay (never below 0) plus the site's clock offset. The smallest over OFFSET_WINDOW_MS is the offset.
   */
  private noteClockOffset(site: string, sample: number, now: number): void {
    this.db
      .prepare(
        `UPDATE sites SET clock_offset_ms = ?, offset_at = ?
         WHERE id = ? AND (offset_at IS NULL OR offset_at < ? OR clock_offset_ms > ?)`,
      )
      .run(sample, now, site, now - OFFSET_WINDOW_MS, sample);
  }

  /** The site's link was seen up at `at` (the city's clock). */
  markSeen(site: string, at: number): void {
    this.db.prepare('UPDATE sites SET seen_at = ? WHERE id = ?').run(at, site);
  }

  sites(now = Date.now()): CitySite[] {
    const rows = this.db
      .prepare(
        `SELECT s.id, s.name, s.kind, s.lat, s.lng, s.last_event_at, s.lag_ms, s.active, s.seen_at, s.duplicate_at,
          s.last_seq, s.catch_up_to, s.clock_offset_ms,
          (SELECT COUNT(*) FROM tickets t WHERE t.site = s.id AND t.status = 'waiting') AS waiting,
          COALESCE((SELECT served FROM day_figures f WHERE f.site = s.id AND f.day = s.day), 0) AS served,
          (SELECT COUNT(*) FROM counters c WHERE c.site = s.id AND c.status = 'open') AS open
         FROM sites s ORDER BY s.kind, s.id`,
      )
      .all() as Array<{
      id: string;
      name: string;
      kind: string;
      lat: number | null;
      lng: number | null;
      last_event_at: number | null;
      lag_ms: number | null;
      seen_at: number | null;
      duplicate_at: number | null;
      last_seq: number;
      catch_up_to: number | null;
      clock_offset_ms: number | null;
      active: string;
      waiting: number;
      served: number;
      open: number;
    }>;
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      ...(r.lat !== null && r.lng !== null ? { location: { lat: r.lat, lng: r.lng } } : {}),
      waiting: r.waiting,
      servedToday: r.served,
      openCounters: r.open,
      active: JSON.parse(r.active) as string[],
      lastEventAt: r.last_event_at,
      lagSeconds: r.lag_ms === null ? null : Math.max(0, Math.round((r.lag_ms - skewMs(r.clock_offset_ms)) / 1000)),
      clockSkewSeconds: skewMs(r.clock_offset_ms) === 0 ? null : -Math.round(r.clock_offset_ms! / 1000),
      online: r.seen_at !== null && now - r.seen_at < OFFLINE_AFTER_MS,
      lastSeenAt: r.seen_at,
      duplicate: r.duplicate_at !== null && now - r.duplicate_at < DUPLICATE_MS,
      rebuilding: r.catch_up_to !== null && r.last_seq < r.catch_up_to,
    }));
  }

  /**
   * Each site's waiting and estimated wait, for the sites' own screens (protocol/city.ts CitySummarySite): online
   * sites only, not rebuilding — a site whose link is down would be recommended on figures from when it went.
   */
  summary(now = Date.now()): CitySummarySite[] {
    const avg = this.db.prepare(
      'SELECT service_ms, served FROM day_figures f JOIN sites s ON s.id = f.site AND s.day = f.day WHERE f.site = ?',
    );
    return this.sites(now)
      .filter((s) => s.online && !s.rebuilding)
      .map((s) => {
        const f = avg.get(s.id) as { service_ms: number; served: number } | undefined;
        const minutes = f && f.served > 0 ? f.service_ms / f.served / 60_000 : 10;
        return {
          id: s.id,
          name: s.name,
          kind: s.kind === 'point' ? 'point' : 'hall',
          waiting: s.waiting,
          openCounters: s.openCounters,
          etaMinutes: Math.round((s.waiting * minutes) / Math.max(1, s.openCounters)),
          ...(s.location ? { location: s.location } : {}),
        };
      });
  }

  /** City-wide figures by hall day, newest first. */
  days(limit = 31): CityDay[] {
    const rows = this.db
      .prepare(
        `SELECT day, SUM(issued) AS issued, SUM(called) AS called, SUM(served) AS served, SUM(no_show) AS no_show,
          SUM(cancelled) AS cancelled, SUM(wait_ms) AS wait_ms, SUM(service_ms) AS service_ms
         FROM day_figures GROUP BY day ORDER BY day DESC LIMIT ?`,
      )
      .all(limit) as Array<Record<string, number> & { day: string }>;
    const minutes = (ms: number, n: number) => (n > 0 ? Math.round((ms / n / 60_000) * 10) / 10 : null);
    return rows.map((r) => ({
      day: r.day,
      issued: r.issued,
      served: r.served,
      noShow: r.no_show,
      cancelled: r.cancelled,
      avgWaitMinutes: minutes(r.wait_ms, r.called),
      avgServiceMinutes: minutes(r.service_ms, r.served),
    }));
  }

  /** The epoch of the sending the city holds for `site` (0 for none). */
  epochOf(site: string): number {
    return (this.db.prepare('SELECT epoch FROM sites WHERE id = ?').pluck().get(site) as number | undefined) ?? 0;
  }

  /** Whether events of `site` wait for one that has not come (a gap: the city asks the site to send its log again). */
  hasGap(site: string): boolean {
    return this.db.prepare('SELECT 1 FROM pending WHERE site = ? LIMIT 1').get(site) !== undefined;
  }

  /**
   * A new sending begins: today's state goes. The figures of past days stay until the sending's first hall day starts:
   * those of that day and after are counted again, older ones (before the sending's window) are kept.
   */
  private clearSite(site: string, epoch: number): void {
    for (const table of ['pending', 'tickets', 'counters'])
      this.db.prepare(`DELETE FROM ${table} WHERE site = ?`).run(site);
    this.db
      .prepare(
        `UPDATE sites SET last_seq = 0, day = NULL, active = '[]', epoch = ?, catch_up_to = NULL, redo_days = 1
          WHERE id = ?`,
      )
      .run(epoch, site);
  }

  private ensureSite(site: string): void {
    this.db.prepare('INSERT OR IGNORE INTO sites (id, name) VALUES (?, ?)').run(site, site);
  }

  private lastSeq(site: string): number {
    return this.db.prepare('SELECT last_seq FROM sites WHERE id = ?').pluck().get(site) as number;
  }

  private count(
    site: string,
    day: string | null | undefined,
    figure: Figure,
    extra?: 'wait_ms' | 'service_ms',
    ms = 0,
  ) {
    if (!day) return;
    this.db.prepare('INSERT OR IGNORE INTO day_figures (site, day) VALUES (?, ?)').run(site, day);
    const add = extra ? `, ${extra} = ${extra} + ?` : '';
    const args = extra ? [Math.max(0, Math.round(ms)), site, day] : [site, day];
    this.db.prepare(`UPDATE day_figures SET ${figure} = ${figure} + 1${add} WHERE site = ? AND day = ?`).run(...args);
  }

  private ticket(site: string, id: string | undefined) {
    return this.db.prepare('SELECT * FROM tickets WHERE site = ? AND id = ?').get(site, id ?? '') as
      { day: string; issued_at: number; counter_id: string | null } | undefined;
  }

  private setTicket(site: string, id: string | undefined, status: string, counterId?: string | null): void {
    const keep = counterId === undefined ? 'counter_id' : '?';
    const args = counterId === undefined ? [status, site, id] : [status, counterId, site, id];
    this.db.prepare(`UPDATE tickets SET status = ?, counter_id = ${keep} WHERE site = ? AND id = ?`).run(...args);
  }

  private release(site: string, ticketId: string | undefined, counterId: string | null | undefined): void {
    if (!counterId) return;
    this.db
      .prepare('UPDATE counters SET current = NULL WHERE site = ? AND id = ? AND current = ?')
      .run(site, counterId, ticketId);
  }

  /** The site's own apply, reduced to what the city counts (server/domain/state.ts is the reference). */
  private applyOne(e: CityEvent, receivedAt: number): void {
    const { site } = e;
    const t = e.ticketId ? this.ticket(site, e.ticketId) : undefined;
    switch (e.type) {
      case 'hall.day_started':
        if (this.db.prepare('SELECT redo_days FROM sites WHERE id = ?').pluck().get(site) === 1) {
          this.db.prepare('DELETE FROM day_figures WHERE site = ? AND day >= ?').run(site, e.day ?? '');
          this.db.prepare('UPDATE sites SET redo_days = 0 WHERE id = ?').run(site);
        }
        this.db.prepare('DELETE FROM tickets WHERE site = ?').run(site);
        this.db
          .prepare(`UPDATE counters SET status = 'closed', staff_id = NULL, current = NULL WHERE site = ?`)
          .run(site);
        this.db.prepare('UPDATE sites SET day = ? WHERE id = ?').run(e.day ?? null, site);
        break;
      case 'ticket.issued':
        this.db
          .prepare(
            'INSERT OR REPLACE INTO tickets (site, id, day, service_id, status, issued_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(site, e.ticketId, e.day ?? null, e.serviceId ?? null, e.ticketStatus ?? 'waiting', e.at);
        this.db.prepare('UPDATE sites SET day = COALESCE(day, ?) WHERE id = ?').run(e.day ?? null, site);
        this.count(site, e.day, 'issued');
        break;
      case 'ticket.called':
        if (!t) break;
        this.setTicket(site, e.ticketId, 'called', e.counterId ?? null);
        this.db
          .prepare(
            `INSERT INTO counters (site, id, status, current) VALUES (?, ?, 'closed', ?)
            ON CONFLICT(site, id) DO UPDATE SET current = excluded.current`,
          )
          .run(site, e.counterId, e.ticketId);
        this.count(site, t.day, 'called', 'wait_ms', e.at - t.issued_at);
        break;
      case 'ticket.started':
        if (t) this.setTicket(site, e.ticketId, 'serving');
        break;
      case 'ticket.finished':
        if (!t) break;
        this.setTicket(site, e.ticketId, 'done');
        this.release(site, e.ticketId, e.counterId);
        this.count(site, t.day, 'served', 'service_ms', e.serviceMs ?? 0);
        break;
      case 'ticket.no_show':
        if (!t) break;
        this.setTicket(site, e.ticketId, 'no_show');
        this.release(site, e.ticketId, e.counterId);
        this.count(site, t.day, 'no_show');
        break;
      case 'ticket.reinstated':
        if (t) this.setTicket(site, e.ticketId, 'waiting', null);
        break;
      case 'ticket.transferred':
        if (!t) break;
        this.release(site, e.ticketId, e.counterId ?? t.counter_id);
        this.setTicket(site, e.ticketId, 'waiting', null);
        this.db
          .prepare('UPDATE tickets SET service_id = ? WHERE site = ? AND id = ?')
          .run(e.serviceId, site, e.ticketId);
        break;
      case 'ticket.cancelled':
        if (!t) break;
        this.release(site, e.ticketId, t.counter_id);
        this.setTicket(site, e.ticketId, 'cancelled');
        this.count(site, t.day, 'cancelled');
        break;
      case 'counter.status':
        this.db
          .prepare(
            `INSERT INTO counters (site, id, status, staff_id) VALUES (?, ?, ?, ?)
            ON CONFLICT(site, id) DO UPDATE SET status = excluded.status, staff_id = excluded.staff_id`,
          )
          .run(site, e.counterId, e.status ?? 'closed', e.staffId ?? null);
        // One staff member holds one counter: signing in here signs them out elsewhere (as the site's apply does).
        if (e.staffId) {
          this.db
            .prepare(
              `UPDATE counters SET staff_id = NULL, status = CASE WHEN current IS NULL THEN 'closed' ELSE status END
               WHERE site = ? AND id != ? AND staff_id = ?`,
            )
            .run(site, e.counterId, e.staffId);
        }
        break;
      case 'emergency.changed':
        this.db.prepare('UPDATE sites SET active = ? WHERE id = ?').run(JSON.stringify(e.active ?? []), site);
        break;
      case 'playbook.activated':
      case 'playbook.deactivated':
        if (e.playbookId) this.changeActive(site, e.playbookId, e.type === 'playbook.activated');
        break;
    }
    this.db
      .prepare('UPDATE sites SET last_seq = ?, last_event_at = ?, lag_ms = ? WHERE id = ?')
      .run(e.seq, e.at, receivedAt - e.at, site);
  }

  /** Adds or removes one playbook of the site's active set (applied in log order, so the set matches the site's). */
  private changeActive(site: string, playbookId: string, active: boolean): void {
    const row = this.db.prepare('SELECT active FROM sites WHERE id = ?').get(site) as { active: string } | undefined;
    const set = new Set<string>(row ? (JSON.parse(row.active) as string[]) : []);
    if (active) set.add(playbookId);
    else set.delete(playbookId);
    this.db.prepare('UPDATE sites SET active = ? WHERE id = ?').run(JSON.stringify([...set].sort()), site);
  }
}
