/** The append-only, hash-chained event log: each entry carries the hash of the one before it. */
import { createHash } from 'node:crypto';
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
  return createHash('sha256').update(`${prevHash}\n${seq}\n${at}\n${type}\n${actor}\n${data}`).digest('hex');
}

export type VerifyResult = { ok: true; entries: number } | { ok: false; entries: number; firstBroken: { seq: number; reason: string } };

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
      const data = JSON.stringify(e.data);
      const hash = entryHash(this.headHash, seq, e.at, e.type, e.actor, data);
      this.insert.run(seq, streamSeq, e.at, e.type, e.actor, data, this.headHash, hash);
      this.headSeq = seq;
      this.headHash = hash;
      if (streamSeq !== null) this.headStreamSeq = streamSeq;
      out.push({ seq, streamSeq, at: e.at, type: e.type, actor: e.actor, data: e.data });
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
  const stmt = db.prepare('SELECT seq, at, type, actor, data, prev_hash, hash FROM events ORDER BY seq');
  for (const row of stmt.iterate() as Iterable<Row>) {
    if (row.seq !== expectedSeq) return { ok: false, entries, firstBroken: { seq: row.seq, reason: `expected entry ${expectedSeq}: entries are missing` } };
    if (row.prev_hash !== prev) return { ok: false, entries, firstBroken: { seq: row.seq, reason: 'does not link to the entry before it' } };
    if (entryHash(prev, row.seq, row.at, row.type, row.actor, row.data) !== row.hash)
      return { ok: false, entries, firstBroken: { seq: row.seq, reason: 'content does not match its hash (altered)' } };
    prev = row.hash;
    expectedSeq++;
    entries++;
  }
  return { ok: true, entries };
}
