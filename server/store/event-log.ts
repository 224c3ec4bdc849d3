/** The append-only, hash-chained event log: each entry carries the hash of the one before it. */
import { createHash } from 'node:crypto';
import { canonicalEntry, cleanLabel, legacyEntryHash } from './chain-encoding.js';
import type { Db } from './db.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface LogEntry {
  seq: number;
  /** Position in the live stream, for entries that screens see; null for audit-only entries. */
  streamSeq: number | null;
  at: number;
  type: string;
  actor: string;
  data: unknown;
}

interface Row {
  seq: number;
  stream_seq: number | null;
  at: number;
  type: string;
  actor: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export function entryHash(prevHash: string, seq: number, at: number, type: string, actor: string, data: string): string {
  return createHash('sha256').update(canonicalEntry(prevHash, seq, at, type, actor, data)).digest('hex');
}

/** An entry that verifies only as the pre-fix writer encoded it: a false alarm of the old code, not an alteration. */
export interface VerifyNote {
  seq: number;
  note: string;
}

export type VerifyResult =
  | { ok: true; entries: number; notes?: VerifyNote[] }
  | { ok: false; entries: number; firstBroken: { seq: number; reason: string }; notes?: VerifyNote[] };

const PRE_FIX_NOTE = 'written by the pre-fix encoder (a lone surrogate in its text), not altered';
/** Notes listed in a verify result; the rest are only counted in `entries`. */
const MAX_NOTES = 50;

export class EventLog {
  private headSeq = 0;
  private headHash = GENESIS_HASH;
  private headStreamSeq = 0;
  private readonly insert;

  constructor(private readonly db: Db) {
    const last = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    if (last) {
      this.headSeq = last.seq;
      this.headHash = last.hash;
    }
    this.headStreamSeq = (db.prepare('SELECT MAX(stream_seq) FROM events').pluck().get() as number | null) ?? 0;
    this.insert = db.prepare(
      'INSERT INTO events (seq, stream_seq, at, type, actor, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  get seq(): number {
    return this.headSeq;
  }

  get streamSeq(): number {
    return this.headStreamSeq;
  }

  /**
   * Appends entries. Call inside a transaction: if it rolls back, call `reloadHead()` so the chain's head in memory
   * matches the file again.
   */
  append(entries: Array<{ type: string; actor: string; at: number; data: unknown; streamed: boolean }>): LogEntry[] {
    const out: LogEntry[] = [];
    for (const e of entries) {
      const seq = this.headSeq + 1;
      const streamSeq = e.streamed ? this.headStreamSeq + 1 : null;
      // JSON.stringify escapes lone surrogates and controls; labels are cleaned here. So all is well-formed text,
      // which SQLite stores and gives back byte for byte: what is hashed is what is stored.
      const type = cleanLabel(e.type);
      const actor = cleanLabel(e.actor);
      const data = JSON.stringify(e.data);
      const hash = entryHash(this.headHash, seq, e.at, type, actor, data);
      this.insert.run(seq, streamSeq, e.at, type, actor, data, this.headHash, hash);
      this.headSeq = seq;
      this.headHash = hash;
      if (streamSeq !== null) this.headStreamSeq = streamSeq;
      out.push({ seq, streamSeq, at: e.at, type, actor, data: e.data });
    }
    return out;
  }

  reloadHead(): void {
    const last = this.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    this.headSeq = last?.seq ?? 0;
    this.headHash = last?.hash ?? GENESIS_HASH;
    this.headStreamSeq = (this.db.prepare('SELECT MAX(stream_seq) FROM events').pluck().get() as number | null) ?? 0;
  }

  /** Entries after `seq`, oldest first, for replay at start. */
  *after(seq: number): Generator<LogEntry> {
    const stmt = this.db.prepare('SELECT seq, stream_seq, at, type, actor, data FROM events WHERE seq > ? ORDER BY seq');
    for (const row of stmt.iterate(seq) as Iterable<Row>) yield toEntry(row);
  }

  /** Streamed entries after stream position `since`, oldest first, at most `limit`. */
  streamAfter(since: number, limit: number): LogEntry[] {
    const rows = this.db
      .prepare('SELECT seq, stream_seq, at, type, actor, data FROM events WHERE stream_seq > ? ORDER BY stream_seq LIMIT ?')
      .all(since, limit) as Row[];
    return rows.map(toEntry);
  }

  /** Entries between two instants (ms), oldest first. */
  between(from: number, to: number, limit: number, afterSeq = 0): LogEntry[] {
    const rows = this.db
      .prepare('SELECT seq, stream_seq, at, type, actor, data FROM events WHERE at >= ? AND at <= ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(from, to, afterSeq, limit) as Row[];
    return rows.map(toEntry);
  }
}

function toEntry(row: Row): LogEntry {
  return { seq: row.seq, streamSeq: row.stream_seq, at: row.at, type: row.type, actor: row.actor, data: JSON.parse(row.data) };
}

/** Recomputes the whole chain; names the first entry whose hash, link or numbering is wrong. */
export function verifyChain(db: Db): VerifyResult {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  const notes: VerifyNote[] = [];
  const withNotes = <T extends object>(r: T) => (notes.length ? { ...r, notes } : r);
  const stmt = db.prepare('SELECT seq, at, type, actor, data, prev_hash, hash FROM events ORDER BY seq');
  const rawOf = db.prepare('SELECT CAST(actor AS BLOB) AS actor, CAST(data AS BLOB) AS data FROM events WHERE seq = ?');
  for (const row of stmt.iterate() as Iterable<Row>) {
    const broken = (reason: string) => withNotes({ ok: false as const, entries, firstBroken: { seq: row.seq, reason } });
    if (row.seq !== expectedSeq) return broken(`expected entry ${expectedSeq}: entries are missing`);
    if (row.prev_hash !== prev) return broken('does not link to the entry before it');
    if (entryHash(prev, row.seq, row.at, row.type, row.actor, row.data) !== row.hash) {
      // SQLite gives a stored lone surrogate back as U+FFFD: only then can the old encoding explain the mismatch.
      const raw = row.actor.includes('\ufffd') || row.data.includes('\ufffd') ? (rawOf.get(row.seq) as { actor: Buffer; data: Buffer }) : undefined;
      if (!raw || legacyEntryHash(prev, row.seq, row.at, row.type, raw.actor, raw.data) !== row.hash)
        return broken('content does not match its hash (altered)');
      if (notes.length < MAX_NOTES) notes.push({ seq: row.seq, note: PRE_FIX_NOTE });
    }
    prev = row.hash;
    expectedSeq++;
    entries++;
  }
  return withNotes({ ok: true as const, entries });
}
