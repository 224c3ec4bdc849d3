/**
 * Puts a backup back as DATA_DIR's database while the server is stopped: only a copy whose audit chain verifies with
 * the hall's key, never over a database in use, the database it replaces set aside (never deleted), and the restore
 * itself recorded in the restored chain.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HallSecret, SECRET_FILE, writeDurably } from '../security/hall-secret.js';
import { backupName, checkedHead } from './backup.js';
import { verifyChain } from './chain-verify.js';
import { databaseInUse } from './db-in-use.js';
import { heldOpenByAnotherProcess } from './held-open.js';
import { markRestored } from './restore-mark.js';
import { createOwnerOnly, ensureDataDir } from './data-dir.js';
import { DB_FILE, openDb } from './db.js';
import { EventLog } from './event-log.js';
import { HEAD_MARK_FILE, numbersAfterLoss, readHeadMark } from './head-mark.js';
import { forgetBackupState } from './backup-status.js';
import { numbersHandedOut, numbersToReserve, type NumbersOfDay } from './numbers-handed-out.js';
import { settleAccounts, type AccountsSettled } from './restore-accounts.js';

/** Why a restore did not happen; `exitCode` for the CLI: 1 the copy is not sound, 2 cannot read, 3 server running. */
export class RestoreRefused extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3,
  ) {
    super(message);
  }
}

export interface RestoreOptions {
  /** The backup file. */
  file: string;
  dataDir: string;
  /** A copy of the hall secret, for a DATA_DIR that has none (a new machine). */
  secretFile?: string;
  now?: number;
}

export interface RestoreResult {
  database: string;
  /** The log's head in the backup, and after the restore's own entry. */
  backupHead: { seq: number; hash: string };
  entries: number;
  /** Where the database that was there went. */
  setAside?: string;
  /** The last entry of the database that was there: what the restored hall no longer has, when it is past the copy's. */
  replacedHead?: number;
  secretInstalled: boolean;
  /** Accounts the restored log does not vouch for, put out of use, and the staff sessions ended. */
  accounts: AccountsSettled;
  /**
   * The replaced database could not be opened (damaged): why. What it had reached — its head, today's numbers — is then
   * unknown, and numbers it handed out after the copy may be handed out again today.
   */
  replacedDamaged?: string;
  /** Numbers the replaced database had handed out past the copy, never to be handed out again (`day.numbers_reserved`). */
  reserved?: NumbersOfDay;
}

export async function restoreDatabase(opts: RestoreOptions): Promise<RestoreResult> {
  const now = opts.now ?? Date.now();
  const file = resolve(opts.file);
  const dataDir = resolve(opts.dataDir);
  if (!existsSync(file) || !statSync(file).isFile()) throw new RestoreRefused(`no backup file at ${file}`, 2);
  const { secret, install } = hallSecretFor(dataDir, opts.secretFile);

  // The copy first, read-only: a restore that would not start an intact hall does not begin.
  const copy = openCopy(file);
  let backupHead: { seq: number; hash: string };
  try {
    backupHead = checkedHead(copy, file);
    const result = verifyChain(copy, secret.chainKey);
    if (result.needsSecret) throw new RestoreRefused(`${file}: the chain is keyed and no hall secret is at hand`, 2);
    if (!result.ok) {
      const { seq, reason } = result.firstBroken!;
      const hint = /seal/.test(reason) ? ' (or the backup was made with another hall secret)' : '';
      throw new RestoreRefused(`${file}: the audit chain does not verify at entry ${seq}: ${reason}${hint}`, 1);
    }
    const database = join(dataDir, DB_FILE);
    ensureDataDir(dataDir);
    const { damaged: replacedDamaged } = refuseIfInUse(database);
    const { head: replacedHead, handedOut: fromLog } = replacedReach(database);
    // The head mark beside it knows the day's numbers when the database does not (emptied, cut short, deleted).
    const handedOut = withHeadMark(fromLog, dataDir, secret.chainKey);
    const setAside = setAsideCurrent(dataDir, database, now);
    // Through the backup API, like every copy of a database here; into a temporary name, renamed once whole.
    const restoring = join(dataDir, `.${DB_FILE}.restoring`);
    try {
      // Owner-only from its first byte, as every copy of the database: SQLite then gives its -wal and -shm that mode.
      createOwnerOnly(restoring);
      await copy.backup(restoring);
      renameSync(restoring, database);
    } catch (err) {
      // A disk full or gone mid-copy: the database that was there goes back, as it was.
      if (setAside) putBack(setAside, database);
      try {
        rmSync(restoring, { force: true });
      } catch {
        // Not a file of ours (a folder in its place): left as found.
      }
      throw new RestoreRefused(`the copy into ${dataDir} failed, nothing changed: ${(err as Error).message}`, 2);
    }
    if (install) writeDurably(dataDir, SECRET_FILE, readFileSync(install, 'utf8'));
    const { entries, accounts, reserved } = recordRestore(dataDir, secret, file, backupHead, now, handedOut);
    return {
      database,
      backupHead,
      entries,
      setAside,
      replacedHead,
      replacedDamaged,
      secretInstalled: !!install,
      accounts,
      reserved,
    };
  } finally {
    copy.close();
  }
}

/** The secret whose key the chain must verify with: DATA_DIR's, or the given copy for a DATA_DIR without one. */
function hallSecretFor(dataDir: string, secretFile?: string): { secret: HallSecret; install?: string } {
  const load = (path: string) => {
    try {
      return HallSecret.load(dirname(path), basename(path));
    } catch (err) {
      throw new RestoreRefused((err as Error).message, 2);
    }
  };
  const present = load(join(dataDir, SECRET_FILE));
  const given = secretFile ? load(resolve(secretFile)) : undefined;
  if (secretFile && !given) throw new RestoreRefused(`no hall secret at ${resolve(secretFile)}`, 2);
  if (present && given && !present.chainKey.equals(given.chainKey))
    throw new RestoreRefused(
      `${join(dataDir, SECRET_FILE)} is another hall secret than ${resolve(secretFile!)}: ` +
        'restore into a DATA_DIR without one, or leave out HALLQ_SECRET_FILE',
      2,
    );
  if (present) return { secret: present };
  if (given) return { secret: given, install: resolve(secretFile!) };
  throw new RestoreRefused(
    `${join(dataDir, SECRET_FILE)} is missing: the audit chain and personal data are keyed with the hall secret; ` +
      'set HALLQ_SECRET_FILE to its copy',
    2,
  );
}

function openCopy(file: string): Database.Database {
  try {
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new RestoreRefused(`${file} cannot be opened: ${(err as Error).message}`, 1);
  }
}

/**
 * A running server holds the database open: an exclusive lock cannot be had then. The lock is let go before the
 * files move (a server started in that instant is the operator's race, see docs/operations.md).
 */
function refuseIfInUse(database: string): { damaged?: string } {
  let inUse: boolean | undefined;
  let damaged: string | undefined;
  try {
    inUse = databaseInUse(database);
  } catch (err) {
    // A database SQLite cannot open is what a restore is for; whether a server holds it, /proc tells.
    damaged = (err as Error).message;
    inUse = heldOpenByAnotherProcess(database);
    if (inUse === undefined) throw new RestoreRefused(`${database} cannot be opened: ${damaged}`, 2);
  }
  if (inUse) throw new RestoreRefused(`${database} is in use: stop the HallQ server first`, 3);
  return { damaged };
}

/**
 * What the database a restore replaces had reached, read once: its last entry, and the numbers it handed out on its
 * latest day (never handed out again). Nothing when there is none, or it cannot be read (it is set aside all the same).
 */
function replacedReach(database: string): { head?: number; handedOut?: NumbersOfDay } {
  if (!existsSync(database)) return {};
  try {
    const db = new Database(database, { readonly: true, fileMustExist: true });
    try {
      const head = (db.prepare('SELECT MAX(seq) FROM events').pluck().get() as number | null) ?? undefined;
      return { head, handedOut: numbersHandedOut(db) };
    } finally {
      db.close();
    }
  } catch {
    return {};
  }
}

/**
 * The numbers the replaced hall handed out on its latest day: its log's, or, where the head mark beside it knows of
 * more (the database lost its end, or is gone), the mark's with its margin. A mark whose seal fails counts for nothing.
 */
function withHeadMark(fromLog: NumbersOfDay | undefined, dataDir: string, key: Buffer): NumbersOfDay | undefined {
  const mark = readHeadMark(dataDir, key);
  if (mark === undefined || mark === 'unsealed') return fromLog;
  if (fromLog && fromLog.day > mark.day) return fromLog;
  const behind =
    !fromLog ||
    fromLog.day < mark.day ||
    Object.entries(mark.sequences).some(([p, n]) => n > (fromLog.sequences[p] ?? 0));
  if (!behind) return fromLog;
  const lost = numbersAfterLoss(mark);
  const own = fromLog?.day === mark.day ? fromLog.sequences : {};
  const sequences = { ...own };
  for (const [p, n] of Object.entries(lost.sequences)) sequences[p] = Math.max(sequences[p] ?? 0, n);
  return { day: mark.day, sequences };
}

/** Moves the current database (and any -wal/-shm) into `pre-restore-<stamp>/`: evidence, and a way back. */
function setAsideCurrent(dataDir: string, database: string, now: number): string | undefined {
  // A database gone with its mark still there: the mark goes aside (its numbers are reserved), or the next start
  // would take the restored log for one that lost its end.
  if (!existsSync(database) && !existsSync(join(dataDir, HEAD_MARK_FILE))) return undefined;
  const dir = join(dataDir, `pre-restore-${backupName(now).slice('hallq-'.length, -'.sqlite'.length)}`);
  mkdirSync(dir, { mode: 0o700 });
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(database + suffix)) renameSync(database + suffix, join(dir, DB_FILE + suffix));
  // The replaced log's head mark goes with it: the restored log ends before it by design, nothing was lost.
  if (existsSync(join(dataDir, HEAD_MARK_FILE))) renameSync(join(dataDir, HEAD_MARK_FILE), join(dir, HEAD_MARK_FILE));
  return dir;
}

function putBack(dir: string, database: string): void {
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(join(dir, DB_FILE + suffix))) renameSync(join(dir, DB_FILE + suffix), database + suffix);
  if (existsSync(join(dir, HEAD_MARK_FILE)))
    renameSync(join(dir, HEAD_MARK_FILE), join(dirname(database), HEAD_MARK_FILE));
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Settles the accounts against the restored log, appends `backup.restored` (with what was settled) to the chain and
 * verifies the result; returns its entries.
 */
function recordRestore(
  dataDir: string,
  secret: HallSecret,
  file: string,
  backupHead: { seq: number; hash: string },
  now: number,
  handedOut: NumbersOfDay | undefined,
): { entries: number; accounts: AccountsSettled; reserved?: NumbersOfDay } {
  const db = openDb(dataDir);
  try {
    const log = new EventLog(db, secret.chainKey);
    let accounts: AccountsSettled | undefined;
    const reserved = handedOut && numbersToReserve(handedOut, numbersHandedOut(db));
    db.transaction(() => {
      accounts = settleAccounts(db);
      forgetBackupState(db);
      // The replaced hall went on past the copy: the numbers it handed out that day are not handed out again.
      if (reserved)
        log.append([
          {
            type: 'day.numbers_reserved',
            actor: 'system:restore',
            at: now,
            data: { ...reserved, at: now },
            streamed: true,
          },
        ]);
      log.append([
        {
          type: 'backup.restored',
          actor: 'system:restore',
          at: now,
          data: {
            file: basename(file),
            backupHead,
            disabledUsers: accounts.disabledUsers,
            removedDevices: accounts.removedDevices,
            sessionsEnded: accounts.sessionsEnded,
            deviceTokensDropped: accounts.deviceTokensDropped,
          },
          streamed: false,
        },
      ]);
      markRestored(db, now);
      // Verified whole just now: the next start checks only what comes after.
      log.writeAnchor(now, true);
    })();
    const after = verifyChain(db, secret.chainKey);
    if (!after.ok) throw new RestoreRefused(`the restored chain does not verify: ${JSON.stringify(after)}`, 1);
    return { entries: after.entries, accounts: accounts!, reserved };
  } finally {
    db.close();
  }
}
