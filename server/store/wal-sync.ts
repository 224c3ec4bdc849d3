/**
 * Pipelined durability for group commits. A batch is committed with synchronous=NORMAL (written to the WAL, not yet
 * fsynced) and acknowledged once an fsync of the WAL file that began after its commit has finished. The fsync runs in
 * libuv's thread pool, so while the disk works the event loop decides and writes the next batch; one fsync covers
 * every commit made before it began, since fsync flushes the whole file whichever descriptor asks.
 *
 * Acknowledgements run strictly in commit order, also across a fully synchronous (synchronous=FULL) commit, which puts
 * everything before it on disk as well. If an fsync fails, nothing after the last good one can be trusted to be on
 * disk: the hall stops rather than answer for it (the service manager starts it again from the file).
 */
import { closeSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { log } from '../log.js';
import type { Db } from './db.js';

export type Fsync = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

export interface WalSyncOptions {
  /** The asynchronous fsync (tests pass their own to hold it back). */
  fsync?: Fsync;
  /** What to do when an fsync fails. Default: log and stop the process. */
  onFailure?: (err: Error) => void;
}

export class WalSync {
  private readonly normal: { run(): unknown };
  private readonly full: { run(): unknown };
  private readonly fsync: Fsync;
  private readonly onFailure: (err: Error) => void;
  private walFd: number | undefined;
  /** Acknowledgements waiting for the disk, numbered in commit order. */
  private readonly waiting: Array<{ no: number; then: () => void }> = [];
  private registered = 0;
  private syncing = false;

  constructor(
    private readonly db: Db,
    opts: WalSyncOptions = {},
  ) {
    this.normal = db.prepare('PRAGMA synchronous = NORMAL');
    this.full = db.prepare('PRAGMA synchronous = FULL');
    this.fsync = opts.fsync ?? fsync;
    this.onFailure =
      opts.onFailure ??
      ((err) => {
        log.error('the disk did not take the log (fsync failed); stopping', { error: err.message });
        process.exit(74);
      });
  }

  /** Runs `fn` (one transaction) without waiting for the disk; the caller must `afterSync` before acknowledging. */
  unsynced<T>(fn: () => T): T {
    if (this.fd() === undefined) return fn(); // no WAL file to fsync: commit durably as usual
    this.normal.run();
    try {
      return fn();
    } finally {
      this.full.run();
    }
  }

  /** Runs `then` once everything committed so far is on disk, after every earlier `then`. */
  afterSync(then: () => void): void {
    const fd = this.fd();
    if (fd === undefined && this.waiting.length === 0) return then(); // committed with FULL: already on disk
    this.waiting.push({ no: ++this.registered, then });
    this.startSync();
  }

  /** A synchronous durable commit just happened: everything before it is on disk too. */
  synced(): void {
    this.release(this.registered);
  }

  /** Puts everything committed so far on disk now and runs the waiting acknowledgements (at shutdown). */
  settle(): void {
    if (this.waiting.length === 0) return;
    const fd = this.fd();
    if (fd !== undefined) fsyncSync(fd);
    this.release(this.registered);
  }

  close(): void {
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  private startSync(): void {
    if (this.syncing || this.waiting.length === 0) return;
    const fd = this.fd();
    if (fd === undefined) return this.release(this.registered);
    this.syncing = true;
    const upTo = this.registered; // what was committed before this fsync began
    this.fsync(fd, (err) => {
      this.syncing = false;
      if (err) return this.onFailure(err);
      this.release(upTo);
      this.startSync();
    });
  }

  private release(upTo: number): void {
    while (this.waiting.length > 0 && this.waiting[0].no <= upTo) {
      const w = this.waiting.shift()!;
      try {
        w.then();
      } catch (err) {
        log.error('acknowledging a commit failed', { error: (err as Error).message });
      }
    }
  }

  /** The WAL file, opened once (its directory entry synced once, so the file itself survives a power cut). */
  private fd(): number | undefined {
    if (this.walFd !== undefined) return this.walFd;
    if (this.db.memory) return undefined;
    try {
      this.walFd = openSync(`${this.db.name}-wal`, 'r');
      const dir = openSync(dirname(this.db.name), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch {
      this.walFd = undefined; // not in WAL mode (or not yet): commits stay synchronous=FULL
    }
    return this.walFd;
  }
}
