/**
 * Watches the database's files under the running hall. SQLite goes on writing into files deleted under it (a
 * "clean-up" of DATA_DIR, a wrong `rm hallq.sqlite*`): the hall looked fine until its next start, which found an empty
 * database (A001 again, every acknowledged ticket gone) or a database without the commits that were in its -wal.
 * Within WATCH_MS of such a deletion the hall writes what it has back to disk — the whole database through its own
 * connection when the database file is gone, a checkpoint of the -wal into the database file when the -wal or -shm
 * is gone — and then stops (exit 70), so that the service manager starts it again on files that are really there.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature } from '../core/feature.js';
import { log } from '../log.js';
import { createOwnerOnly } from '../store/data-dir.js';
import { DB_FILE, type Db } from '../store/db.js';

const WATCH_MS = 5_000;

type FileId = { dev: number; ino: number };

function idOf(path: string): FileId | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? { dev: st.dev, ino: st.ino } : undefined;
}

const same = (a: FileId | undefined, b: FileId | undefined) => !!a && !!b && a.dev === b.dev && a.ino === b.ino;

export class DbFilesWatch implements Feature {
  readonly name = 'db-files-watch';
  private timer?: NodeJS.Timeout;
  private readonly files: Array<{ path: string; id?: FileId }>;
  private handling = false;

  constructor(
    private readonly db: Db,
    dataDir: string,
    /** Stops the hall for a restart (main.ts: exit 70); tests pass their own. */
    private readonly stopForRestart: (why: Error) => void,
  ) {
    const main = join(dataDir, DB_FILE);
    this.files = [main, `${main}-wal`, `${main}-shm`].map((path) => ({ path }));
  }

  start(): void {
    for (const f of this.files) f.id = idOf(f.path);
    this.timer = setInterval(() => void this.check(), WATCH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checks the files once (the timer's work; tests call it). Resolves once anything found is dealt with. */
  async check(): Promise<void> {
    if (this.handling) return;
    const [main, ...sidecars] = this.files;
    const gone = this.files.filter((f) => f.id && !same(f.id, idOf(f.path)));
    // A -wal or -shm seen missing at start and made since is SQLite's own doing: note it.
    for (const f of sidecars) f.id ??= idOf(f.path);
    if (gone.length === 0) return;
    this.handling = true;
    const names = gone.map((f) => f.path);
    try {
      if (gone.includes(main)) {
        if (idOf(main.path)) {
          // Another file at its place: someone put it there, and it is not written over. The hall's own goes beside it.
          const aside = `${main.path}.running-${Date.now()}`;
          await this.copyTo(aside);
          log.error('the database file was replaced under the running hall: its own copy is put aside; restarting', {
            files: names,
            aside,
          });
        } else {
          await this.copyTo(main.path);
          log.error('the database file was deleted under the running hall: written back from memory; restarting', {
            files: names,
          });
        }
      } else {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        log.error('database files were deleted under the running hall: their commits are checkpointed; restarting', {
          files: names,
        });
      }
    } catch (err) {
      log.error('database files were deleted under the running hall and could not be written back', {
        files: names,
        error: (err as Error).message,
      });
    }
    this.stopForRestart(new Error(`database files deleted or replaced: ${names.join(', ')}`));
  }

  /** The whole database as this connection sees it, into an owner-only file (it holds personal data). */
  private async copyTo(path: string): Promise<void> {
    createOwnerOnly(path);
    await this.db.backup(path);
  }
}
