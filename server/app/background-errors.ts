/**
 * The last line for errors no caller caught (a timer's or a job's write): a full disk must not stop the hall, since
 * a restart would not free space and the hall reads on without writing (docs/operations.md, "A full disk"). Such
 * an error is logged, at most once a minute with a count, and the hall goes on; any other error still ends the
 * process (exit 1), as Node does by default, so that the service manager starts it again from the log.
 */
import { log } from '../log.js';
import { isStorageFull } from '../store/storage-full.js';

const REPORT_EVERY_MS = 60_000;

export class BackgroundErrors {
  private lastReportAt = -Infinity;
  private unreported = 0;

  constructor(
    private readonly exit: (code: number) => void = (code) => process.exit(code),
    private readonly now: () => number = Date.now,
  ) {}

  /** Installs the handlers on this process (main.ts; tests run the hall in-process without them). */
  install(): void {
    process.on('uncaughtException', (err) => this.handle(err));
    process.on('unhandledRejection', (reason) => this.handle(reason));
  }

  /** True when the hall goes on after `err`. */
  handle(err: unknown): boolean {
    if (isStorageFull(err)) {
      this.unreported++;
      const now = this.now();
      if (now - this.lastReportAt >= REPORT_EVERY_MS) {
        log.error('the disk is full: background work was not written, the hall reads on', {
          error: (err as Error).message,
          times: this.unreported,
        });
        this.lastReportAt = now;
        this.unreported = 0;
      }
      return true;
    }
    log.error('uncaught error: the hall stops', { error: (err as Error)?.stack ?? String(err) });
    this.exit(1);
    return false;
  }
}
