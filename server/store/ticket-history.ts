/** Figures over past hall days (R17), aggregated in SQL from the `tickets` read model; no ticket holder's data leaves it. */
import type { Db } from './db.js';

/** Raw aggregates: times in ms (null when nothing to average), counts as integers. */
export interface DayRow {
  day: string;
  issued: number;
  served: number;
  noShow: number;
  cancelledOrExpired: number;
  avgWaitMs: number | null;
  avgServiceMs: number | null;
  outOfTurnCalls: number;
  ratingCount: number;
  avgRating: number | null;
}

export interface ServedByRow {
  served: number;
  avgServiceMs: number | null;
  ratingCount: number;
  avgRating: number | null;
  poorRatings: number;
}

export interface ServiceRow {
  serviceId: string;
  issued: number;
  served: number;
  avgWaitMs: number | null;
}

// Wait counts every ticket that was called (its last call); service time only finished ones, from start or, if never started, the call.
const WAIT = 'called_at - issued_at';
const SERVICE = 'finished_at - COALESCE(started_at, called_at)';
const SERVED_BY = `SUM(status = 'done') AS served, AVG(${SERVICE}) AS avgServiceMs,
  COUNT(rating) AS ratingCount, AVG(rating) AS avgRating, COALESCE(SUM(rating <= 2), 0) AS poorRatings`;

export class TicketHistory {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      days: db.prepare(
        `SELECT day, COUNT(*) AS issued, SUM(status = 'done') AS served, SUM(status = 'no_show') AS noShow,
           SUM(status IN ('cancelled', 'expired')) AS cancelledOrExpired, AVG(${WAIT}) AS avgWaitMs, AVG(${SERVICE}) AS avgServiceMs,
           SUM(out_of_turn IS NOT NULL) AS outOfTurnCalls, COUNT(rating) AS ratingCount, AVG(rating) AS avgRating
         FROM tickets WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day`,
      ),
      // Nearest-rank p90: the ceil(0.9 n)-th shortest wait of the day, (9n + 9) / 10 in integer arithmetic.
      p90Waits: db.prepare(
        `SELECT day, wait FROM (
           SELECT day, ${WAIT} AS wait, ROW_NUMBER() OVER (PARTITION BY day ORDER BY ${WAIT}) AS pos, COUNT(*) OVER (PARTITION BY day) AS n
           FROM tickets WHERE day BETWEEN ? AND ? AND called_at IS NOT NULL)
         WHERE pos = (9 * n + 9) / 10`,
      ),
      counters: db.prepare(
        `SELECT counter_id AS counterId, ${SERVED_BY} FROM tickets
         WHERE day BETWEEN ? AND ? AND counter_id IS NOT NULL GROUP BY counter_id`,
      ),
      // Names of disabled users too: history outlives accounts.
      staff: db.prepare(
        `SELECT t.staffId, u.name, t.served, t.avgServiceMs, t.ratingCount, t.avgRating, t.poorRatings FROM (
           SELECT staff_id AS staffId, ${SERVED_BY} FROM tickets WHERE day BETWEEN ? AND ? AND staff_id IS NOT NULL GROUP BY staff_id
         ) t LEFT JOIN users u ON u.id = t.staffId ORDER BY t.served DESC, u.name`,
      ),
      services: db.prepare(
        `SELECT service_id AS serviceId, COUNT(*) AS issued, SUM(status = 'done') AS served, AVG(${WAIT}) AS avgWaitMs
         FROM tickets WHERE day BETWEEN ? AND ? GROUP BY service_id`,
      ),
    };
  }

  /** Only days that had tickets, in order. */
  days(from: string, to: string): DayRow[] {
    return this.stmts.days.all(from, to) as DayRow[];
  }

  /** 90th-percentile wait per day, in ms. */
  p90WaitMs(from: string, to: string): Map<string, number> {
    const rows = this.stmts.p90Waits.all(from, to) as { day: string; wait: number }[];
    return new Map(rows.map((r) => [r.day, r.wait]));
  }

  /** By the counter that last called the ticket. */
  counters(from: string, to: string): (ServedByRow & { counterId: string })[] {
    return this.stmts.counters.all(from, to) as (ServedByRow & { counterId: string })[];
  }

  /** By the staff member signed in at that counter; `name` is null for an id no longer in `users`. */
  staff(from: string, to: string): (ServedByRow & { staffId: string; name: string | null })[] {
    return this.stmts.staff.all(from, to) as (ServedByRow & { staffId: string; name: string | null })[];
  }

  /** By the ticket's service after any transfer. */
  services(from: string, to: string): ServiceRow[] {
    return this.stmts.services.all(from, to) as ServiceRow[];
  }
}
