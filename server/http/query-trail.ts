/**
 * Query trail (查询留痕, R13): every read of personal data or per-staff figures is itself in the audit log, who read
 * what. Reads must stay cheap while counter consoles refresh on every event, so entries are collected for a second
 * and written in one transaction (one fsync), the same reader asking the same thing counted in one entry. Bounded:
 * at most MAX_PENDING different reads wait; past that they are written at once. Reading the audit log writes what
 * waits first, so it is always complete; a crash can lose the last second of the trail, never a command.
 */
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';
import { log } from '../log.js';
import type { Principal } from '../store/accounts.js';
import type { Db } from '../store/db.js';
import { actorOf } from './middleware/auth.js';

export interface DataRead {
  /** What was read, e.g. `tickets`, `appointments`, `reports.daily`. */
  resource: string;
  /** The request's own parameters (never a body): at most 8, each cut at 80 characters. */
  query?: Record<string, string | undefined>;
  /** How many rows the answer held (personal-data rows: tickets, appointments, staff). */
  rows?: number;
}

const MAX_PARAMS = 8;
const MAX_VALUE_CHARS = 80;
const MAX_PENDING = 500;
const FLUSH_MS = 1000;

interface Pending {
  principal: Principal;
  resource: string;
  query?: Record<string, string>;
  rows?: number;
  count: number;
  firstAt: number;
}

export class QueryTrail implements Feature {
  readonly name = 'query-trail';
  private pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly hall: HallService,
    private readonly db: Db,
  ) {}

  start(): void {}

  /** Writes what waits (at shutdown: after HTTP has stopped, so no read is missed). */
  stop(): void {
    this.flush();
  }

  record(p: Principal, read: DataRead): void {
    const query = cleanQuery(read.query);
    const key = JSON.stringify([p.kind, p.id, read.resource, query]);
    const seen = this.pending.get(key);
    if (seen) {
      seen.count++;
      seen.rows = read.rows;
      return;
    }
    this.pending.set(key, {
      principal: p,
      resource: read.resource,
      query,
      rows: read.rows,
      count: 1,
      firstAt: this.hall.clock(),
    });
    if (this.pending.size >= MAX_PENDING) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes every waiting entry in one transaction. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const entries = [...this.pending.values()];
    this.pending = new Map();
    try {
      this.db.transaction(() => {
        for (const e of entries)
          this.hall.audit(actorOf(e.principal), {
            type: 'data.read',
            data: {
              resource: e.resource,
              ...(e.query ? { query: e.query } : {}),
              ...(e.rows !== undefined ? { rows: e.rows } : {}),
              ...(e.count > 1 ? { count: e.count } : {}),
              at: e.firstAt,
            },
          });
      })();
    } catch (err) {
      // A full disk refuses commands too; the trail's loss is logged (who and what, no personal data).
      log.error('query trail not written', { error: (err as Error).message, entries: entries.length });
    }
  }
}

function cleanQuery(q: DataRead['query']): Record<string, string> | undefined {
  const entries = Object.entries(q ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined)
    .slice(0, MAX_PARAMS)
    .map(([k, v]) => [k.slice(0, MAX_VALUE_CHARS), v.slice(0, MAX_VALUE_CHARS)]);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** Records a read on the trail: batched when the server has one, else written at once (an app built alone). */
export function auditRead(deps: { hall: HallService; queryTrail?: QueryTrail }, p: Principal, read: DataRead): void {
  if (deps.queryTrail) return deps.queryTrail.record(p, read);
  const query = cleanQuery(read.query);
  deps.hall.audit(actorOf(p), {
    type: 'data.read',
    data: { resource: read.resource, ...(query ? { query } : {}), rows: read.rows },
  });
}
