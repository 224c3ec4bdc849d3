/**
 * Verifies the audit chain: numbering, links, each entry's hash (keyed from the anchor's `keyedFrom` on), and the
 * anchor (its seal, and that the log still holds the head it recorded: a lost tail shows). Whole, or incrementally
 * from the last verified mark, which is what a start does.
 */
import { dirname } from 'node:path';
import { HallSecret } from '../security/hall-secret.js';
import { entryHash, GENESIS_HASH, legacyEntryHash } from './chain-encoding.js';
import { readAnchor } from './chain-anchor.js';
import type { Db } from './db.js';
import type { EventRow } from './event-log.js';

/** An entry that verifies only as the pre-fix writer encoded it: a false alarm of the old code, not an alteration. */
export interface VerifyNote {
  seq: number;
  note: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries known intact: verified now, or (incremental) before the verified mark. */
  entries: number;
  firstBroken?: { seq: number; reason: string };
  notes?: VerifyNote[];
  head?: { seq: number; hash: string };
  /** The anchor, to compare with the copies kept off the box (docs/operations.md). */
  anchor?: { seq: number; hash: string; at: string | null };
  keyedFrom?: number;
  /** The keyed part could not be checked: the hall secret is not at hand. */
  needsSecret?: boolean;
}

type Row = Omit<EventRow, 'stream_seq'>;

const PRE_FIX_NOTE = 'written by the pre-fix encoder (a lone surrogate in its text), not altered';
/** Notes listed in a verify result; the rest are only counted in `entries`. */
const MAX_NOTES = 50;

/** The chain key from the secret beside the database, if there is one (the data folder holds both). */
export function chainKeyBeside(db: Db): Buffer | undefined {
  return db.name && db.name !== ':memory:' ? HallSecret.load(dirname(db.name))?.chainKey : undefined;
}

/**
 * Recomputes the chain and checks the anchor; names the first entry whose hash, link or numbering is wrong.
 * `incremental`: start from the anchor's verified mark instead of the first entry (what a start does).
 */
export function verifyChain(
  db: Db,
  key: Buffer | undefined = chainKeyBeside(db),
  opts: { incremental?: boolean } = {},
): VerifyResult {
  const read = readAnchor(db, key);
  const anchor = read.anchor;
  const keyedFrom = anchor?.keyedFrom ?? Infinity;
  const notes: VerifyNote[] = [];
  const described = anchor
    ? {
        anchor: { seq: anchor.seq, hash: anchor.hash, at: anchor.at ? new Date(anchor.at).toISOString() : null },
        keyedFrom,
      }
    : {};
  let entries = 0;
  let head = { seq: 0, hash: GENESIS_HASH };
  const result = (extra: Partial<VerifyResult>): VerifyResult => ({
    ok: !extra.firstBroken && !extra.needsSecret,
    entries,
    ...extra,
    ...(notes.length ? { notes } : {}),
    head,
    ...described,
  });
  const broken = (seq: number, reason: string) => result({ firstBroken: { seq, reason } });

  if (anchor && read.sealed === false)
    return broken(anchor.seq, 'the chain’s anchor was altered (its seal does not match)');
  if (anchor && read.sealed === 'no key') return result({ needsSecret: true });

  let prev = GENESIS_HASH;
  let from = 1;
  if (opts.incremental && anchor && anchor.verifiedSeq > 0) {
    const mark = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck().get(anchor.verifiedSeq) as
      string | undefined;
    if (mark !== anchor.verifiedHash)
      return broken(
        anchor.verifiedSeq,
        mark === undefined
          ? 'missing: the log ends before its verified mark (truncated)'
          : 'differs from the hash its verified mark recorded (altered)',
      );
    prev = mark;
    from = anchor.verifiedSeq + 1;
    entries = anchor.verifiedSeq;
    head = { seq: anchor.verifiedSeq, hash: mark };
  }

  let expectedSeq = from;
  const stmt = db.prepare('SELECT seq, at, type, actor, data, prev_hash, hash FROM events WHERE seq >= ? ORDER BY seq');
  const rawOf = db.prepare('SELECT CAST(actor AS BLOB) AS actor, CAST(data AS BLOB) AS data FROM events WHERE seq = ?');
  for (const row of stmt.iterate(from) as Iterable<Row>) {
    if (row.seq !== expectedSeq) return broken(row.seq, `expected entry ${expectedSeq}: entries are missing`);
    if (row.prev_hash !== prev) return broken(row.seq, 'does not link to the entry before it');
    const rowKey = row.seq >= keyedFrom ? key : undefined;
    if (entryHash(rowKey, prev, row.seq, row.at, row.type, row.actor, row.data) !== row.hash) {
      if (!anchor && key && entryHash(key, prev, row.seq, row.at, row.type, row.actor, row.data) === row.hash)
        return broken(row.seq, 'the chain is keyed from here, but its anchor record is gone');
      // SQLite gives a stored lone surrogate back as U+FFFD: only then can the old encoding explain the mismatch.
      const raw =
        !rowKey && (row.actor.includes('\ufffd') || row.data.includes('\ufffd'))
          ? (rawOf.get(row.seq) as { actor: Buffer; data: Buffer })
          : undefined;
      if (!raw || legacyEntryHash(prev, row.seq, row.at, row.type, raw.actor, raw.data) !== row.hash)
        return broken(
          row.seq,
          rowKey
            ? 'content does not match its keyed hash (altered, or rehashed without the hall’s key)'
            : 'content does not match its hash (altered)',
        );
      if (notes.length < MAX_NOTES) notes.push({ seq: row.seq, note: PRE_FIX_NOTE });
    }
    if (row.type === 'audit.anchor') {
      if (!anchor) return broken(row.seq, 'the chain was anchored, but its anchor record is gone');
      // Where keyed hashing starts never changes in a log's life: a different one means the anchor was remade.
      if ((JSON.parse(row.data) as { keyedFrom?: number }).keyedFrom !== anchor.keyedFrom)
        return broken(row.seq, 'records another start of the keyed chain than the anchor (the anchor was remade)');
    }
    if (anchor && row.seq === anchor.seq && row.hash !== anchor.hash)
      return broken(row.seq, 'differs from the hash the anchor recorded (altered)');
    // The verified mark stays put after a start on a broken chain: the break stays visible however the head moves.
    if (anchor && row.seq === anchor.verifiedSeq && row.hash !== anchor.verifiedHash)
      return broken(
        row.seq,
        'differs from the hash its verified mark recorded (altered, or the log was cut and written on)',
      );
    prev = row.hash;
    head = { seq: row.seq, hash: row.hash };
    expectedSeq++;
    entries++;
  }
  if (anchor && head.seq < anchor.seq)
    return broken(
      head.seq + 1,
      `entries ${head.seq + 1}–${anchor.seq} are missing: the log ends before its anchor (truncated)`,
    );
  return result({});
}
