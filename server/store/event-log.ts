/**
 * The append-only, hash-chained event log: each entry carries the hash of the one before it, keyed with the hall's
 * chain key (chain-encoding.ts), and the chain's anchor (chain-anchor.ts) records its head now and then.
 */
import { cleanLabel, entryHash, GENESIS_HASH } from './chain-encoding.js';
import { readAnchor, writeAnchor, type ChainAnchor } from './chain-anchor.js';
import type { Db } from './db.js';

export { GENESIS_HASH } from './chain-encoding.js';
export { verifyChain, type VerifyNote, type VerifyResult } from './chain-verify.js';

export interface LogEntry {
  seq: number;
  /** Position in the live stream, for entries that screens see; null for audit-only entries. */
  streamSeq: number | null;
  at: number;
  type: string;
  actor: string;
  data: unknown;
}

/** A row of the events table. */
export interface EventRow {
  seq: number;
  stream_seq: number | null;
  at: number;
  type: string;
  actor: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export class EventLog {
  private headSeq = 0;
  private headHash = GENESIS_HASH;
  private headStreamSeq = 0;
  private readonly insert;
  /** First entry hashed with the key (Infinity without a key: a log opened by tests or tools without the secret). */
  readonly keyedFrom: number;
  private anchored: ChainAnchor | undefined;
  /** The anchor row's seal did not hold: it is left as found, as evidence, and never sealed again. */
  private readonly anchorAltered: boolean;

  /**
   * Opens the log. With the chain key, a log that has no anchor yet (new, or written by a version without a keyed
   * chain) gets one now, so that the entries to come are keyed and the seq where that starts is on record.
   */
  constructor(
    private readonly db: Db,
    private readonly key?: Buffer,
  ) {
    this.insert = db.prepare(
      'INSERT INTO events (seq, stream_seq, at, type, actor, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.reloadHead();
    const read = readAnchor(db, key);
    this.anchored = read.anchor;
    this.anchorAltered = read.anchor !== undefined && read.sealed === false;
    if (!key) {
      if (read.anchor) throw new Error('this log is keyed: open it with the hall’s chain key');
      this.keyedFrom = Infinity;
    } else if (read.anchor) {
      this.keyedFrom = read.anchor.keyedFrom;
    } else {
      this.keyedFrom = this.headSeq + 1;
      this.anchored = {
        keyedFrom: this.keyedFrom,
        seq: this.headSeq,
        hash: this.headHash,
        verifiedSeq: 0,
        verifiedHash: GENESIS_HASH,
        at: 0,
      };
      writeAnchor(db, key, this.anchored);
    }
  }

  get seq(): number {
    return this.headSeq;
  }

  get streamSeq(): number {
    return this.headStreamSeq;
  }

  get head(): { seq: number; hash: string } {
    return { seq: this.headSeq, hash: this.headHash };
  }

  /** The anchor as last written or read. */
  get anchor(): ChainAnchor | undefined {
    return this.anchored;
  }

  /** The key an entry's hash is made with. */
  keyFor(seq: number): Buffer | undefined {
    return seq >= this.keyedFrom ? this.key : undefined;
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
      const hash = entryHash(this.keyFor(seq), this.headHash, seq, e.at, type, actor, data);
      this.insert.run(seq, streamSeq, e.at, type, actor, data, this.headHash, hash);
      this.headSeq = seq;
      this.headHash = hash;
      if (streamSeq !== null) this.headStreamSeq = streamSeq;
      out.push({ seq, streamSeq, at: e.at, type, actor, data: e.data });
    }
    return out;
  }

  /**
   * Records the head as the chain's anchor (one row beside the log, no entry). `verified`: the chain up to the head
   * is known intact (the hall started on an intact chain and wrote the rest itself); otherwise the verified mark
   * stays where it was, so every start reports a break again until the data folder is restored.
   */
  writeAnchor(at: number, verified: boolean): void {
    if (!this.key || !this.anchored || this.anchorAltered) return;
    const a = this.anchored;
    const next: ChainAnchor = {
      keyedFrom: this.keyedFrom,
      seq: this.headSeq,
      hash: this.headHash,
      verifiedSeq: verified ? this.headSeq : a.verifiedSeq,
      verifiedHash: verified ? this.headHash : a.verifiedHash,
      at,
    };
    writeAnchor(this.db, this.key, next);
    this.anchored = next;
  }

  /**
   * Whether the entry right after a checkpoint at `seq` is its `checkpoint.saved` record, naming `sha256`, with an
   * intact hash: an edited checkpoint, or one the chain does not cover, is not to be trusted. Returns the problem.
   */
  checkpointProblem(seq: number, sha256: string): string | undefined {
    const row = this.db
      .prepare('SELECT seq, at, type, actor, data, prev_hash, hash FROM events WHERE seq = ?')
      .get(seq + 1) as EventRow | undefined;
    if (!row || row.type !== 'checkpoint.saved') return 'not covered by the chain (no checkpoint.saved entry after it)';
    const key = this.keyFor(row.seq);
    if (!key) return 'not covered by the keyed chain';
    if (entryHash(key, row.prev_hash, row.seq, row.at, row.type, row.actor, row.data) !== row.hash)
      return 'its checkpoint.saved entry was altered';
    const data = JSON.parse(row.data) as { seq?: number; sha256?: string };
    if (data.seq !== seq || data.sha256 !== sha256)
      return 'its content does not match the hash the chain recorded (altered)';
    return undefined;
  }

  reloadHead(): void {
    const last = this.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    this.headSeq = last?.seq ?? 0;
    this.headHash = last?.hash ?? GENESIS_HASH;
    this.headStreamSeq = (this.db.prepare('SELECT MAX(stream_seq) FROM events').pluck().get() as number | null) ?? 0;
  }

  /** Entries after `seq`, oldest first, for replay at start. */
  *after(seq: number): Generator<LogEntry> {
    const stmt = this.db.prepare(
      'SELECT seq, stream_seq, at, type, actor, data FROM events WHERE seq > ? ORDER BY seq',
    );
    for (const row of stmt.iterate(seq) as Iterable<EventRow>) yield toEntry(row);
  }

  /** Streamed entries after stream position `since`, oldest first, at most `limit`. */
  streamAfter(since: number, limit: number): LogEntry[] {
    return this.select('stream_seq > ? ORDER BY stream_seq LIMIT ?', since, limit);
  }

  /**
   * The newest entries of one type whose stored data contains `fragment` (a piece of its JSON), from instant `sinceAt`
   * on, newest first, at most `limit` (read backwards from the head, so recent ones are found quickly).
   */
  newestOfType(type: string, fragment: string, limit: number, sinceAt = 0): LogEntry[] {
    return this.select(
      'type = ? AND at >= ? AND instr(data, ?) > 0 ORDER BY seq DESC LIMIT ?',
      type,
      sinceAt,
      fragment,
      limit,
    );
  }

  /** Entries between two instants (ms), oldest first. */
  between(from: number, to: number, limit: number, afterSeq = 0): LogEntry[] {
    return this.select('at >= ? AND at <= ? AND seq > ? ORDER BY seq LIMIT ?', from, to, afterSeq, limit);
  }

  private select(where: string, ...args: Array<string | number>): LogEntry[] {
    const rows = this.db
      .prepare(`SELECT seq, stream_seq, at, type, actor, data FROM events WHERE ${where}`)
      .all(...args) as EventRow[];
    return rows.map(toEntry);
  }
}

function toEntry(row: EventRow): LogEntry {
  return {
    seq: row.seq,
    streamSeq: row.stream_seq,
    at: row.at,
    type: row.type,
    actor: row.actor,
    data: JSON.parse(row.data),
  };
}
