/**
 * The floor for a server built like the hall: node:http, and the requests of one event-loop turn written in one
 * durable SQLite transaction (WAL, synchronous=FULL, as server/store/db.ts) before any of them is answered. Each
 * request appends one row the size of a ticket's log entry. Run as a child process by floor-bench.ts
 * (`PORT`, `DATA_DIR`); nothing else: no auth, validation, hashing, state or fan-out.
 */
import Database from 'better-sqlite3';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** About a `ticket.issued` entry's data with an ID number (floor-bench prints the hall's own mean beside it). */
export const ROW_DATA_BYTES = 430;
/** Hex digests, as the log's prev_hash and hash columns. */
const HASH = 'f'.repeat(64);
/** About the size of the hall's answer to an issue (the ticket's view). */
export const ANSWER = JSON.stringify({ ticket: { id: 't_xxxxxxxxxxxxxxxx', pad: 'x'.repeat(300) } });

/** The row for a request's body: what was sent, padded to a log entry's size. */
export const rowOf = (body: string) =>
  JSON.stringify({ body, pad: 'x'.repeat(Math.max(0, ROW_DATA_BYTES - body.length - 20)) });

/**
 * The group commit both bare servers share: `add` queues a row and the callback to run once it is on disk; the
 * rows of one turn go in one transaction at `setImmediate`, then every callback runs (with the error, if any).
 */
export function groupCommit(dataDir: string): { add(row: string, done: (err?: Error) => void): void } {
  const db = new Database(join(dataDir, 'bare.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, stream_seq INTEGER, at INTEGER NOT NULL,
    type TEXT NOT NULL, actor TEXT NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
  const insert = db.prepare(
    'INSERT INTO events (seq, stream_seq, at, type, actor, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let seq = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events').pluck().get() as number;
  let pending: Array<{ row: string; done: (err?: Error) => void }> = [];
  const writeBatch = db.transaction((rows: typeof pending) => {
    const at = Date.now();
    for (const r of rows) {
      seq++;
      insert.run(seq, seq, at, 'ticket.issued', 'device:bench-kiosk', r.row, HASH, HASH);
    }
  });
  /** One transaction (one fsync) for the turn's rows, then every answer. */
  const flush = () => {
    const batch = pending;
    pending = [];
    let error: Error | undefined;
    try {
      writeBatch(batch);
    } catch (err) {
      error = err as Error;
    }
    for (const p of batch) p.done(error);
  };
  return {
    add(row, done) {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ row, done });
    },
  };
}

/** Listens on PORT; the log in DATA_DIR. */
function main(): void {
  const commits = groupCommit(process.env.DATA_DIR ?? '.');
  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && req.url === '/healthz') return void res.writeHead(200).end('ok');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      commits.add(rowOf(Buffer.concat(chunks).toString('utf8')), (err) => {
        if (err) return void res.writeHead(500).end(err.message);
        res
          .writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) })
          .end(ANSWER);
      });
    });
  }

  createServer({ keepAliveTimeout: 60_000 }, onRequest).listen(
    Number(process.env.PORT ?? 0),
    process.env.HOST ?? '127.0.0.1',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
