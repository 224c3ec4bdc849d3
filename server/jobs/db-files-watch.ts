/**
 * Watches the database's files under the running hall. SQLite goes on writing into files deleted under it (a
 * "clean-up" of DATA_DIR, a wrong `rm hallq.sqlite*`): the hall looked fine until its next start, which found an empty
 * database (A001 again, every acknowledged ticket gone) or a database without the commits that were in its -wal.
 *
 * Within WATCH_MS of such a change the hall writes a whole copy of the database, as its own connection sees it (the
 * deleted files included), into a new file beside it; only once that copy is complete does it put it in place, move
 * aside any -wal or -shm that is not its own (a stale one would be replayed over the copy), and stop (exit 70) so that
 * the service manager starts it again on files that are really there. It never stops without that copy: while the
 * copy cannot be made (a full disk — it gives up its disk reserve first —, a folder that is gone) the hall goes on
 * running on the files it holds open, saying so, and tries again. A database file *replaced* by another is not
 * written over: the hall's copy goes beside it.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature } from '../core/feature.js';
import { log } from '../log.js';
import { createOwnerOnly } from '../store/data-dir.js';
import { DB_FILE, type Db } from '../store/db.js';
import { releaseDiskReserve } from '../store/disk-reserve.js';
import { isStorageFull } from '../store/storage-full.js';
import { writeDurably } from '../security/hall-secret.js';

const WATCH_MS = 5_000;
/** While the copy cannot be made, the error is logged this often (the check runs every WATCH_MS). */
const REPEAT_LOG_MS = 60_000;

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
  private lastFailureLogAt = -Infinity;

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    /** Stops the hall for a restart (main.ts: exit 70); tests pass their own. */
    private readonly stopForRestart: (why: Error) => void,
    /**
     * Small files of DATA_DIR the hall cannot start without as it was (the hall secret, the broker's own password):
     * read at start and written back beside the database when they are gone too (a DATA_DIR removed and made again).
     */
    private readonly keepFiles: string[] = [],
  ) {
    const main = join(dataDir, DB_FILE);
    this.files = [main, `${main}-wal`, `${main}-shm`].map((path) => ({ path }));
  }

  private kept = new Map<string, Buffer>();

  start(): void {
    for (const f of this.files) f.id = idOf(f.path);
    for (const name of this.keepFiles) {
      const path = join(this.dataDir, name);
      if (existsSync(path)) this.kept.set(name, readFileSync(path));
    }
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
    const changed = this.files.filter((f) => f.id && !same(f.id, idOf(f.path)));
    // A -wal or -shm seen missing at start and made since is SQLite's own doing: note it.
    for (const f of sidecars) f.id ??= idOf(f.path);
    if (changed.length === 0) return;
    this.handling = true;
    const names = changed.map((f) => f.path);
    const now = Date.now();
    const copy = `${main.path}.rescue-${now}`;
    try {
      await this.copyTo(copy).catch(async (err: unknown) => {
        // A full disk: the hall's own reserve is what it is for. Once.
        if (!isStorageFull(err) || !releaseDiskReserve(this.dataDir)) throw err;
        log.error('the disk is full: the disk reserve was released to write the database back');
        rmSync(copy, { force: true });
        await this.copyTo(copy);
      });
    } catch (err) {
      rmSync(copy, { force: true });
      this.handling = false;
      if (now - this.lastFailureLogAt >= REPEAT_LOG_MS) {
        this.lastFailureLogAt = now;
        log.error(
          'database files were deleted or replaced under the running hall, and its copy cannot be written: it goes on ' +
            'running on the files it holds open; free space or put DATA_DIR back, and it writes the copy then',
          { files: names, error: (err as Error).message },
        );
      }
      return;
    }
    // The copy is whole: put it in place, in one turn, with no command between it and the stop. Any -wal or -shm at
    // the database's name goes aside first, the hall's own too: the next start would replay it over the copy.
    for (const f of sidecars) {
      const id = idOf(f.path);
      if (id) renameSync(f.path, `${f.path}.${same(id, f.id) ? 'old' : 'stale'}-${now}`);
    }
    const mainId = idOf(main.path);
    if (mainId && !same(mainId, main.id)) {
      // Another file where the database was: someone put it there, and it is not written over.
      log.error('the database file was replaced under the running hall: its own copy is put aside; restarting', {
        files: names,
        aside: copy,
      });
    } else {
      // What the hall needs beside its database, gone with it: its keys, written back before the database is.
      for (const [name, content] of this.kept)
        if (!existsSync(join(this.dataDir, name))) writeDurably(this.dataDir, name, content);
      renameSync(copy, main.path);
      log.error('database files were deleted or replaced under the running hall: written back whole; restarting', {
        files: names,
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
