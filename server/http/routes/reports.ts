/**
 * Reports for the manager (R17): a hall day's or month's figures as JSON or CSV, frozen once the day or month is over
 * (live until then), and the list of frozen ones for the dashboard's history. Reading one is on the query trail.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { hallDay } from '../../domain/clock.js';
import type { Principal } from '../../store/accounts.js';
import type { Db } from '../../store/db.js';
import { HallReports, monthDays, type HallReport, type ReportKind } from '../../store/hall-report.js';
import { ReportArchive } from '../../store/report-archive.js';
import { reportCsv } from '../../store/report-csv.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { requireRole, type AppEnv } from '../middleware/auth.js';
import { readQuery } from '../validation.js';
import { auditRead } from '../query-trail.js';

/** Years a report may ask about: a typo such as 0202 or 20260 is an error, not an empty report. */
const YEAR = /^(20[0-9]{2})-/;
const format = z.enum(['json', 'csv']).default('json');
const dailyQuery = z.object({ date: z.iso.date().regex(YEAR, 'year must be 2000–2099'), format });
const monthlyQuery = z.object({
  month: z.string().regex(/^20[0-9]{2}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM, year 2000–2099'),
  format,
});
const listQuery = z.object({
  kind: z.enum(['daily', 'monthly']).default('daily'),
  from: z
    .string()
    .regex(/^20[0-9]{2}-[0-9]{2}(-[0-9]{2})?$/, 'must be YYYY-MM or YYYY-MM-DD')
    .optional(),
  to: z
    .string()
    .regex(/^20[0-9]{2}-[0-9]{2}(-[0-9]{2})?$/, 'must be YYYY-MM or YYYY-MM-DD')
    .optional(),
});
/** Longest list the history asks for: more than a year of days. */
const MAX_LISTED = 400;

export function reportRoutes(deps: ApiDeps, db: Db) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;
  const reports = new HallReports(db, hall.hallFile);
  const archive = new ReportArchive(db);

  /** Frozen if the period is over and frozen; else computed now (today's so far, or a past period not frozen). */
  const answer = (
    c: Context<AppEnv>,
    p: Principal,
    kind: ReportKind,
    period: string,
    from: string,
    to: string,
    fmt: string,
  ) => {
    const now = hall.clock();
    const today = hallDay(now, hall.site.timezone);
    if (from > today) throw new ApiError(400, 'VALIDATION_FAILED', `${period} has not begun in the hall`);
    const kept = archive.get(period);
    const report: HallReport = kept?.report ?? reports.build(kind, period, from, to, now);
    const frozen = kept
      ? { frozen: true, frozenAt: new Date(kept.frozenAt).toISOString(), sha256: kept.sha256 }
      : {
          frozen: false,
        };
    // Per-staff figures: who read them is on the trail (one entry per request).
    auditRead(deps, p, { resource: `reports.${kind}`, query: { period, format: fmt }, rows: report.byStaff.length });
    if (fmt === 'csv')
      return c.body(reportCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="hallq-${kind}-${period}.csv"`,
      });
    return c.json({ ...report, ...frozen, live: period >= today.slice(0, period.length) });
  };

  app.get('/reports/daily', (c) => {
    const p = requireRole(c, 'manager');
    const q = readQuery(c, dailyQuery);
    return answer(c, p, 'daily', q.date, q.date, q.date, q.format);
  });

  app.get('/reports/monthly', (c) => {
    const p = requireRole(c, 'manager');
    const q = readQuery(c, monthlyQuery);
    const { from, to } = monthDays(q.month);
    return answer(c, p, 'monthly', q.month, from, to, q.format);
  });

  app.get('/reports', (c) => {
    requireRole(c, 'manager');
    const q = readQuery(c, listQuery);
    // Totals only (no per-staff rows): not on the query trail.
    const reportsList = archive.list(q.kind, q.from ?? '2000', q.to ?? '2099-99', MAX_LISTED);
    return c.json({ kind: q.kind, reports: reportsList });
  });

  return app;
}
