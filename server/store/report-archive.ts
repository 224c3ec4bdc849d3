/** Reports frozen at the end of each hall day and month: stored once, never recomputed, their SHA-256 in the chain. */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import type { HallReport, ReportKind } from './hall-report.js';

export interface FrozenReport {
  report: HallReport;
  sha256: string;
  frozenAt: number;
}

export interface ReportSummary {
  kind: ReportKind;
  period: string;
  frozenAt: string;
  sha256: string;
  totals: HallReport['totals'];
}

export class ReportArchive {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare('SELECT body, sha256, generated_at AS frozenAt FROM reports WHERE period = ?'),
      save: db.prepare(
        'INSERT OR IGNORE INTO reports (period, kind, generated_at, sha256, body) VALUES (?, ?, ?, ?, ?)',
      ),
      // Hall days with tickets before `before` and no frozen report: the day start's catch-up (bounded).
      unfrozenDays: db.prepare(
        `SELECT DISTINCT t.day FROM tickets t LEFT JOIN reports r ON r.period = t.day
         WHERE t.day < ? AND r.period IS NULL ORDER BY t.day LIMIT ?`,
      ),
      unfrozenMonths: db.prepare(
        `SELECT DISTINCT substr(t.day, 1, 7) AS month FROM tickets t LEFT JOIN reports r ON r.period = substr(t.day, 1, 7)
         WHERE t.day < ? AND r.period IS NULL ORDER BY month LIMIT ?`,
      ),
      list: db.prepare(
        `SELECT period, kind, generated_at AS frozenAt, sha256, body FROM reports
         WHERE kind = ? AND period BETWEEN ? AND ? ORDER BY period LIMIT ?`,
      ),
    };
  }

  get(period: string): FrozenReport | undefined {
    const row = this.stmts.get.get(period) as { body: string; sha256: string; frozenAt: number } | undefined;
    return row ? { report: JSON.parse(row.body) as HallReport, sha256: row.sha256, frozenAt: row.frozenAt } : undefined;
  }

  /** Freezes `report` unless its period is frozen already; returns its SHA-256 (undefined when it was there). */
  save(report: HallReport, at: number): string | undefined {
    const body = JSON.stringify(report);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const r = this.stmts.save.run(report.period, report.kind, at, sha256, body);
    return r.changes === 1 ? sha256 : undefined;
  }

  unfrozenDays(before: string, limit: number): string[] {
    return this.stmts.unfrozenDays.pluck().all(before, limit) as string[];
  }

  /** Months that had tickets, before the month of `beforeDay`, with no frozen report. */
  unfrozenMonths(beforeDay: string, limit: number): string[] {
    return this.stmts.unfrozenMonths.pluck().all(`${beforeDay.slice(0, 7)}-01`, limit) as string[];
  }

  list(kind: ReportKind, from: string, to: string, limit: number): ReportSummary[] {
    const rows = this.stmts.list.all(kind, from, to, limit) as Array<{
      period: string;
      kind: ReportKind;
      frozenAt: number;
      sha256: string;
      body: string;
    }>;
    return rows.map((r) => ({
      kind: r.kind,
      period: r.period,
      frozenAt: new Date(r.frozenAt).toISOString(),
      sha256: r.sha256,
      totals: (JSON.parse(r.body) as HallReport).totals,
    }));
  }
}
