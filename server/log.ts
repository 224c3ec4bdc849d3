/**
 * Structured logs: one JSON line each, never personal data (fields that look like it are masked). Debug and info
 * lines of one event-loop turn go out in one write: at `info` a hall writes two lines per command, and a write to
 * a pipe (the service manager's journal) is a system call each. Node writes to a pipe or socket without blocking and
 * queues in memory what the reader has not taken: a stalled journal and a flood of requests would grow that queue
 * without end, so past a bound lines are dropped, counted, and the count logged once the output drains.
 */

import { replacePersonalNumbers, type PersonalNumberKind } from './domain/free-text-mask.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

let threshold = ORDER[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? ORDER.info;

const PERSONAL_KEYS = /^(idNumber|phone|name|password|token|authorization)$/i;
// Beside the free-text patterns (grouped, full-width, +86): any 18 characters or 1 and ten digits standing alone.
const ID_NUMBER = /\b\d{17}[\dXx]\b/g;
const PHONE = /\b1\d{10}\b/g;

/** Lines held for the end of the turn: at most this many bytes, then they are written at once. */
const HELD_BYTES_MAX = 64 * 1024;

/** Bytes an output may hold queued before debug and info lines are dropped (~5,000 request lines). */
const QUEUED_BYTES_MAX = 1024 * 1024;
/** Warnings and errors are rarer and worth more: they may queue this much before they are dropped too. */
const QUEUED_WARN_BYTES_MAX = 4 * 1024 * 1024;

/** Both patterns need 11 digits in a row: most fields (methods, paths, roles, event types) are shorter than that. */
const SHORTEST_MASKED = 11;

const personalMark = (kind: PersonalNumberKind) => (kind === 'id' ? '[id]' : '[phone]');

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length < SHORTEST_MASKED
      ? value
      : replacePersonalNumbers(value, personalMark).replace(ID_NUMBER, '[id]').replace(PHONE, '[phone]');
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = PERSONAL_KEYS.test(k) ? '[redacted]' : scrub(v, depth + 1);
  return out;
}

type Stream = Pick<NodeJS.WritableStream, 'write' | 'once'> & { readonly writableLength: number };

/** Where lines go, and what was dropped there since it last kept up. */
interface Output {
  stream: Stream;
  dropped: number;
  waitingForDrain: boolean;
}

const outputs: { info: Output; warn: Output } = {
  info: { stream: process.stdout, dropped: 0, waitingForDrain: false },
  warn: { stream: process.stderr, dropped: 0, waitingForDrain: false },
};

/** Writes `text` (`lines` lines) unless the output already holds `max` bytes it could not write; then counts them. */
function writeBounded(out: Output, text: string, lines: number, max: number): void {
  if (out.stream.writableLength <= max) {
    out.stream.write(text);
    return;
  }
  out.dropped += lines;
  if (out.waitingForDrain) return;
  out.waitingForDrain = true;
  out.stream.once('drain', () => {
    out.waitingForDrain = false;
    const count = out.dropped;
    out.dropped = 0;
    write('warn', 'log lines dropped: the log output did not keep up', { lines: count });
  });
}

let held = '';
let heldLines = 0;
let flushScheduled = false;

/** Writes the held debug and info lines now (end of the turn, before a warning or error, at exit). */
function flushHeld(): void {
  flushScheduled = false;
  if (held === '') return;
  const text = held;
  const lines = heldLines;
  held = '';
  heldLines = 0;
  writeBounded(outputs.info, text, lines, QUEUED_BYTES_MAX);
}

// Whatever is held when the process ends (process.exit, the last turn) is still written: stdout to a pipe or a
// file is synchronous on Linux.
process.on('exit', flushHeld);

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({
    t: new Date().toISOString(),
    level,
    msg: scrub(msg),
    ...(fields ? (scrub(fields) as object) : {}),
  });
  if (level === 'error' || level === 'warn') {
    // What led up to it first, so a reader sees the lines in the order they happened.
    flushHeld();
    writeBounded(outputs.warn, line + '\n', 1, QUEUED_WARN_BYTES_MAX);
    return;
  }
  held += line + '\n';
  heldLines++;
  if (held.length >= HELD_BYTES_MAX) flushHeld();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushHeld);
  }
}

export const log = {
  /** Whether `level` is written: lets a hot path skip building fields that would be dropped. */
  enabled: (level: Level) => ORDER[level] >= threshold,
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
  /** Writes the held lines now (before a synchronous hand-over of stdout, and in tests). */
  flush: flushHeld,
  setLevel(level: Level | 'silent') {
    threshold = ORDER[level];
  },
  /** Sends the lines elsewhere (tests); returns what puts stdout and stderr back. */
  redirect(info: Stream, warn: Stream): () => void {
    flushHeld();
    outputs.info = { stream: info, dropped: 0, waitingForDrain: false };
    outputs.warn = { stream: warn, dropped: 0, waitingForDrain: false };
    return () => {
      flushHeld();
      outputs.info = { stream: process.stdout, dropped: 0, waitingForDrain: false };
      outputs.warn = { stream: process.stderr, dropped: 0, waitingForDrain: false };
    };
  },
};
