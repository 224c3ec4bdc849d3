/**
 * The hall backs itself up once a hall day, at BACKUP_AT in the hall's time zone or at the first chance after it (a
 * mini-PC switched off at night backs up when it is switched on), into BACKUP_DIR, keeping the newest BACKUP_KEEP.
 * A failed attempt is retried after an hour, is audited, and stays an alert until a backup succeeds.
 */
import { everyInterval, type Stoppable } from '../../jobs/schedules.js';
import { basename } from 'node:path';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { hallDay, localTime, parseClock } from '../../domain/clock.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { log } from '../../log.js';
import { backupDatabase, listBackups, pruneBackups, type BackupTarget } from '../../store/backup.js';
import {
  readBackupState,
  writeBackupState,
  type BackupAlert,
  type BackupDesk,
  type BackupRecord,
  type BackupState,
  type BackupStatusView,
} from '../../store/backup-status.js';
import type { Db } from '../../store/db.js';

export interface BackupSettings extends BackupTarget {
  keep: number;
  /** HH:MM, hall time. */
  at: string;
  /** Whether the hall is on battery now (the power guard's word, which a start on battery sets before this starts). */
  onBattery?: () => boolean;
}

const HOUR = 60 * 60_000;
/** Without a successful backup for this long, the dashboard warns even when no attempt failed. */
const OVERDUE_MS = 36 * HOUR;
const MAX_ERROR_CHARS = 300;
const MAX_LISTED = 60;

export class NightlyBackups implements Feature, BackupDesk {
  readonly name = 'nightly-backups';
  private task?: Stoppable;
  private running?: Promise<BackupRecord>;
  private state: BackupState;
  /** On the UPS's battery: the nightly copy waits for mains (a copy cut off by the power is worth nothing). */
  private onBattery = false;
  private offPower?: () => void;

  constructor(
    private readonly hall: HallService,
    private readonly db: Db,
    private readonly settings: BackupSettings,
  ) {
    this.state = readBackupState(db) ?? { since: hall.clock() };
  }

  start(): void {
    this.offPower = this.hall.bus.on('power.changed', (p) => {
      this.onBattery = p.onBattery;
      // Mains back: a copy that waited for it is made now, not at the next ten-minute check (on the next turn, once
      // the power guard has heard it too).
      if (!p.onBattery) setImmediate(() => this.runIfDue().catch(() => undefined));
    });
    // Every ten minutes, not only at BACKUP_AT: a night missed (power off, USB disk out) is made up at once.
    this.task = everyInterval(10 * 60_000, 'backup', () => this.runIfDue().catch(() => undefined));
  }

  async stop(): Promise<void> {
    this.offPower?.();
    this.task?.stop();
    this.task = undefined;
    // A backup under way finishes (or fails) before the database closes.
    await this.running?.catch(() => undefined);
  }

  /** Due: on mains, no backup yet this hall day, BACKUP_AT has passed, and no attempt failed within the hour. */
  isDue(now = this.hall.clock()): boolean {
    if (this.onBattery || this.settings.onBattery?.()) return false;
    const tz = this.hall.site.timezone;
    const today = hallDay(now, tz);
    if (this.state.lastSuccess && hallDay(this.state.lastSuccess.at, tz) === today) return false;
    if (localTime(now, tz).minutes < parseClock(this.settings.at)) return false;
    const failedAt = this.state.lastFailure?.at ?? -Infinity;
    return now - failedAt >= HOUR || failedAt < (this.state.lastSuccess?.at ?? -Infinity);
  }

  async runIfDue(): Promise<BackupRecord | undefined> {
    return this.isDue() ? this.runNow() : undefined;
  }

  runNow(): Promise<BackupRecord> {
    this.running ??= this.backUp().finally(() => (this.running = undefined));
    return this.running;
  }

  private async backUp(): Promise<BackupRecord> {
    const at = this.hall.clock();
    try {
      // The copy's anchor at its head: a copy cut short later (its last entries deleted) no longer verifies. Left
      // where the last quiet moment put it, a busy stretch's entries could go unnoticed.
      this.hall.anchorIfMoved();
      const r = await backupDatabase(this.db, this.settings, { at, sameConnection: true });
      const record: BackupRecord = {
        at,
        name: basename(r.file),
        bytes: r.bytes,
        headSeq: r.head.seq,
        ms: r.ms,
      };
      const pruned = pruneBackups(this.settings.dir, this.settings.keep);
      this.record({ ...this.state, lastSuccess: record });
      this.hall.audit(SYSTEM_ACTOR, {
        type: 'backup.made',
        data: { name: record.name, bytes: record.bytes, headSeq: record.headSeq },
      });
      log.info('backup written', { ...record, pruned: pruned.length });
      return record;
    } catch (err) {
      const error = String((err as Error).message ?? err).slice(0, MAX_ERROR_CHARS);
      this.record({ ...this.state, lastFailure: { at, error } });
      log.error('backup failed', { dir: this.settings.dir, error });
      try {
        this.hall.audit(SYSTEM_ACTOR, { type: 'backup.failed', data: { error } });
      } catch {
        // The disk under DATA_DIR is full too: the log line and the alert still say so.
      }
      throw err;
    }
  }

  private record(next: BackupState): void {
    this.state = next;
    try {
      writeBackupState(this.db, next);
    } catch (err) {
      log.warn('backup status not saved', { error: (err as Error).message });
    }
  }

  status(): BackupStatusView {
    const { lastSuccess, lastFailure } = this.state;
    const iso = (ms: number) => new Date(ms).toISOString();
    let files: BackupStatusView['files'] = [];
    let listError: string | undefined;
    try {
      files = listBackups(this.settings.dir)
        .slice(0, MAX_LISTED)
        .map((f) => ({ name: f.name, bytes: f.bytes, at: iso(f.at) }));
    } catch (err) {
      listError = (err as Error).message.slice(0, MAX_ERROR_CHARS);
    }
    return {
      dir: this.settings.dir,
      keep: this.settings.keep,
      at: this.settings.at,
      timezone: this.hall.site.timezone,
      lastSuccess: lastSuccess ? { ...lastSuccess, at: iso(lastSuccess.at) } : null,
      lastFailure: lastFailure ? { at: iso(lastFailure.at), error: lastFailure.error } : null,
      failing: this.failing(),
      files,
      ...(listError ? { listError } : {}),
    };
  }

  alerts(): BackupAlert[] {
    const { lastSuccess, lastFailure } = this.state;
    if (this.failing())
      return [
        {
          kind: 'backup.failed',
          severity: 'critical',
          message: `the backup into ${this.settings.dir} failed: ${lastFailure!.error}`,
          since: new Date(lastFailure!.at).toISOString(),
        },
      ];
    const last = lastSuccess?.at ?? this.state.since;
    if (this.hall.clock() - last > OVERDUE_MS)
      return [
        {
          kind: 'backup.overdue',
          severity: 'warning',
          message: lastSuccess ? `no backup since ${new Date(last).toISOString()}` : 'no backup has been made yet',
          since: new Date(last).toISOString(),
        },
      ];
    return [];
  }

  private failing(): boolean {
    const { lastSuccess, lastFailure } = this.state;
    return !!lastFailure && lastFailure.at >= (lastSuccess?.at ?? -Infinity);
  }
}
