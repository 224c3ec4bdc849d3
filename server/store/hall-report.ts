/**
 * The figures of a hall day or month (R17), from the `tickets` read model: served, waits p50/p90, no-shows, tickets
 * closed at the day's end, out-of-turn calls by category, ratings; for the hall and by service, counter and staff.
 * Counts and times only: no ticket number, no holder.
 */
import { OUT_OF_TURN_CATEGORIES, type OutOfTurnCategory } from '../../protocol/codes.js';
import type { HallFile } from '../config/hall-schema.js';
import type { Db } from './db.js';

export type ReportKind = 'daily' | 'monthly';

export interface Figures {
  issued: number;
  served: number;
  noShow: number;
  cancelled: number;
  /** Still open when the hall day ended: closed by the day's start (`hall.day_started`), never silently. */
  closedAtDayEnd: number;
  /**
   * Of those, the ones extended service booked a later slot (R4: an agreed time, 约定办理时间, not a refusal); the rest
   * went with the day. Missing in reports frozen before it was counted.
   */
  slotOffered?: number;
  waitP50Minutes: number | null;
  waitP90Minutes: number | null;
  avgServiceMinutes: number | null;
  outOfTurn: Record<OutOfTurnCategory, number> & { total: number };
  ratings: { count: number; average: number | null; poor: number };
}

export interface HallReport {
  kind: ReportKind;
  /** YYYY-MM-DD or YYYY-MM. */
  period: string;
  from: string;
  to: string;
  hallId: string;
  timezone: string;
  generatedAt: string;
  totals: Figures;
  byService: Array<{ serviceId: string; prefix: string | null; name: string | null } & Figures>;
  byCounter: Array<{ counterId: string; name: string | null } & Figures>;
  byStaff: Array<{ staffId: string; name: string | null } & Figures>;
  /** Monthly only: each day of the month. */
  byDay?: Array<{ day: string } & Figures>;
}

interface Row {
  day: string;
  service_id: string;
  counter_id: string | null;
  staff_id: string | null;
  status: string;
  issued_at: number;
  called_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  rating: number | null;
  out_of_turn: string | null;
  slot_offered_at: number | null;
}

const MIN = 60_000;

/** The first and last hall day of month `YYYY-MM`. */
export function monthDays(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}
const minutes = (ms: number | null) => (ms === null ? null : Math.round((ms / MIN) * 10) / 10);

/** Nearest rank, as /stats/history: the ceil(p·n)-th smallest. */
function percentile(sorted: number[], p: number): number | null {
  return sorted.length ? sorted[Math.ceil(p * sorted.length) - 1] : null;
}

export function figuresOf(rows: Row[]): Figures {
  const waits = rows
    .filter((r) => r.called_at !== null)
    .map((r) => r.called_at! - r.issued_at)
    .sort((a, b) => a - b);
  const services = rows
    .filter((r) => r.status === 'done' && r.finished_at !== null)
    .map((r) => r.finished_at! - (r.started_at ?? r.called_at ?? r.finished_at!));
  const ratings = rows.map((r) => r.rating).filter((x): x is number => x !== null);
  const outOfTurn = Object.fromEntries(OUT_OF_TURN_CATEGORIES.map((c) => [c, 0])) as Figures['outOfTurn'];
  outOfTurn.total = 0;
  for (const r of rows)
    if (r.out_of_turn) {
      const c = (OUT_OF_TURN_CATEGORIES as readonly string[]).includes(r.out_of_turn)
        ? (r.out_of_turn as OutOfTurnCategory)
        : 'other';
      outOfTurn[c]++;
      outOfTurn.total++;
    }
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  return {
    issued: rows.length,
    served: count('done'),
    noShow: count('no_show'),
    cancelled: count('cancelled'),
    closedAtDayEnd: count('expired'),
    slotOffered: rows.filter((r) => r.status === 'expired' && r.slot_offered_at !== null).length,
    waitP50Minutes: minutes(percentile(waits, 0.5)),
    waitP90Minutes: minutes(percentile(waits, 0.9)),
    avgServiceMinutes: minutes(services.length ? services.reduce((a, b) => a + b, 0) / services.length : null),
    outOfTurn,
    ratings: {
      count: ratings.length,
      average: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null,
      poor: ratings.filter((x) => x <= 2).length,
    },
  };
}

function groupBy(rows: Row[], key: (r: Row) => string | null): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

export class HallReports {
  private readonly rowsStmt;
  private readonly namesStmt;

  constructor(
    db: Db,
    private readonly hallFile: HallFile,
  ) {
    this.rowsStmt = db.prepare(
      `SELECT day, service_id, counter_id, staff_id, status, issued_at, called_at, started_at, finished_at, rating,
         out_of_turn, slot_offered_at FROM tickets WHERE day BETWEEN ? AND ?`,
    );
    // Names of disabled users too: history outlives accounts.
    this.namesStmt = db.prepare('SELECT id, name FROM users');
  }

  /** The report over hall days [from, to] (a day, or a month's days). */
  build(kind: ReportKind, period: string, from: string, to: string, now: number): HallReport {
    const rows = this.rowsStmt.all(from, to) as Row[];
    const hall = this.hallFile;
    const names = new Map((this.namesStmt.all() as Array<{ id: string; name: string }>).map((u) => [u.id, u.name]));
    // The hall's services and counters in its order, each listed even when idle; ids since removed follow.
    const byServiceRows = groupBy(rows, (r) => r.service_id);
    const serviceIds = [...new Set([...hall.services.map((s) => s.id), ...byServiceRows.keys()])];
    const byCounterRows = groupBy(rows, (r) => r.counter_id);
    const counterIds = [...new Set([...hall.counters.map((c) => c.id), ...byCounterRows.keys()])];
    const byStaffRows = groupBy(rows, (r) => r.staff_id);
    const report: HallReport = {
      kind,
      period,
      from,
      to,
      hallId: hall.hall.id,
      timezone: hall.hall.timezone,
      generatedAt: new Date(now).toISOString(),
      totals: figuresOf(rows),
      byService: serviceIds.map((id) => {
        const def = hall.services.find((s) => s.id === id);
        return {
          serviceId: id,
          prefix: def?.prefix ?? null,
          name: def?.name ?? null,
          ...figuresOf(byServiceRows.get(id) ?? []),
        };
      }),
      byCounter: counterIds.map((id) => ({
        counterId: id,
        name: hall.counters.find((c) => c.id === id)?.name ?? null,
        ...figuresOf(byCounterRows.get(id) ?? []),
      })),
      byStaff: [...byStaffRows.entries()]
        .map(([id, mine]) => ({ staffId: id, name: names.get(id) ?? null, ...figuresOf(mine) }))
        .sort((a, b) => b.served - a.served || (a.name ?? '').localeCompare(b.name ?? '')),
    };
    if (kind === 'monthly') {
      const byDayRows = groupBy(rows, (r) => r.day);
      report.byDay = [...byDayRows.keys()].sort().map((day) => ({ day, ...figuresOf(byDayRows.get(day)!) }));
    }
    return report;
  }
}
