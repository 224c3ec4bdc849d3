/**
 * Freezes the reports of hall days and months that are over: when a new hall day starts (midnight in the hall's time
 * zone, node-cron's day job or the first command after it), and at start for days the hall was off through. Each is
 * stored once and its SHA-256 written to the audit chain.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { log } from '../../log.js';
import type { Db } from '../../store/db.js';
import { HallReports, monthDays, type HallReport } from '../../store/hall-report.js';
import { ReportArchive } from '../../store/report-archive.js';

/** At most this many days and months are frozen in one go (a hall off for a year catches up over a few starts). */
const MAX_DAYS = 400;
const MAX_MONTHS = 24;

export class DayReports implements Feature {
  readonly name = 'day-reports';
  private readonly reports: HallReports;
  private readonly archive: ReportArchive;
  private unsubscribe?: () => void;

  constructor(
    private readonly hall: HallService,
    private readonly db: Db,
  ) {
    this.reports = new HallReports(db, hall.hallFile);
    this.archive = new ReportArchive(db);
  }

  start(): void {
    this.freezeDue();
    this.unsubscribe = this.hall.bus.on('hall.day_started', () => this.freezeDue());
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Freezes every finished day and month that has tickets and no report yet; returns their periods. */
  freezeDue(): string[] {
    const today = this.hall.state.day;
    const now = this.hall.clock();
    const frozen: string[] = [];
    try {
      for (const day of this.archive.unfrozenDays(today, MAX_DAYS))
        if (this.freeze(this.reports.build('daily', day, day, day, now), now)) frozen.push(day);
      for (const month of this.archive.unfrozenMonths(today, MAX_MONTHS)) {
        const { from, to } = monthDays(month);
        if (this.freeze(this.reports.build('monthly', month, from, to, now), now)) frozen.push(month);
      }
    } catch (err) {
      // Not frozen now, frozen at the next day start or start: the tickets it is made from stay in the log.
      log.error('reports not frozen', { error: (err as Error).message });
    }
    if (frozen.length) log.info('reports frozen', { periods: frozen });
    return frozen;
  }

  private freeze(report: HallReport, now: number): boolean {
    // The report and its hash in the chain, or neither.
    return this.db.transaction(() => {
      const sha256 = this.archive.save(report, now);
      if (!sha256) return false;
      const data = { kind: report.kind, period: report.period, sha256 };
      this.hall.audit(SYSTEM_ACTOR, { type: 'report.frozen', data });
      return true;
    })();
  }
}
