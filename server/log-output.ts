/**
 * Where the log's text goes, without stalling the event loop on a slow reader. stdout and stderr to a pipe (the
 * service manager's journal) are blocking on Linux: a reader that fell behind held every request at the write (a
 * tenth of a command's time under load). Here one write at a time runs on libuv's thread pool (`fs.write`), in order;
 * text that comes while one is under way waits for the next, up to a bound: past it, debug and info text is dropped
 * and counted, and a warning saying how many lines went goes out with the next write. Warnings and errors are never
 * dropped.
 */
import { write as fsWrite, writeSync } from 'node:fs';

export type WriteFn = (
  fd: number,
  bytes: Buffer,
  done: (err: NodeJS.ErrnoException | null, written: number) => void,
) => void;

interface Chunk {
  fd: number;
  text: string;
}

/** Debug and info text (stdout) waiting for the write under way: at most this much is kept, the rest dropped. */
export const QUEUED_BYTES_MAX = 1024 * 1024;
/** A reader that refuses for now (EAGAIN on a non-blocking pipe): try again after this long. */
const RETRY_MS = 5;

const defaultWrite: WriteFn = (fd, bytes, done) => fsWrite(fd, bytes, 0, bytes.length, null, done);

export class LogOutput {
  private queue: Chunk[] = [];
  private queuedDroppable = 0;
  private writing = false;
  private dropped = 0;

  constructor(
    private readonly warnLine: (dropped: number) => string,
    private writeFn: WriteFn = defaultWrite,
    private readonly maxQueued = QUEUED_BYTES_MAX,
  ) {}

  /** Queues `text` for `fd`: 1 carries debug and info lines, which may be dropped; 2 warnings and errors. */
  send(fd: 1 | 2, text: string): void {
    if (text === '') return;
    if (fd === 1) {
      if (this.queuedDroppable + text.length > this.maxQueued) {
        this.dropped += countLines(text);
        return;
      }
      this.queuedDroppable += text.length;
    }
    this.enqueue(fd, text);
    this.pump();
  }

  /** Lines dropped since the last report. */
  get droppedLines(): number {
    return this.dropped;
  }

  /**
   * Writes everything queued now, synchronously (at exit). A write still under way on the thread pool may end after
   * it; nothing is dropped.
   */
  drainSync(): void {
    this.reportDropped();
    const chunks = this.queue;
    this.queue = [];
    this.queuedDroppable = 0;
    for (const c of chunks) writeAllSync(c.fd, Buffer.from(c.text));
  }

  /** Tests: where the bytes go. */
  setWriter(fn: WriteFn | undefined): void {
    this.writeFn = fn ?? defaultWrite;
  }

  private enqueue(fd: number, text: string): void {
    const last = this.queue[this.queue.length - 1];
    if (last && last.fd === fd) last.text += text;
    else this.queue.push({ fd, text });
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    const line = this.warnLine(this.dropped);
    this.dropped = 0;
    this.enqueue(2, line);
  }

  private pump(): void {
    if (this.writing) return;
    this.reportDropped();
    const chunk = this.queue.shift();
    if (!chunk) return;
    this.queuedDroppable = this.queue.reduce((n, c) => n + (c.fd === 1 ? c.text.length : 0), 0);
    this.writing = true;
    this.writeBytes(chunk.fd, Buffer.from(chunk.text));
  }

  private writeBytes(fd: number, bytes: Buffer): void {
    this.writeFn(fd, bytes, (err, written) => {
      if (err?.code === 'EAGAIN') return void setTimeout(() => this.writeBytes(fd, bytes), RETRY_MS).unref();
      // Any other error (the reader is gone: EPIPE) loses this chunk; there is nowhere else to say so.
      if (!err && written < bytes.length) return this.writeBytes(fd, bytes.subarray(written));
      this.writing = false;
      this.pump();
    });
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function writeAllSync(fd: number, bytes: Buffer): void {
  for (let off = 0, tries = 0; off < bytes.length;) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (err) {
      // A non-blocking reader that is full: a bounded number of tries, then give up (the process is ending).
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || ++tries > 1000) return;
    }
  }
}
