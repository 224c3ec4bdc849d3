/**
 * Structured logs: one JSON line each, never personal data (fields that look like it are masked). Debug and info
 * lines of one event-loop turn go out in one write: at `info` a hall writes two lines per command, and a write to
 * a pipe (the service manager's journal) is a system call each. The writes themselves run off the event loop
 * (log-output.ts), so a journal that falls behind never stalls a request.
 */
import { LogOutput, type WriteFn } from './log-output.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

let threshold = ORDER[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? ORDER.info;

const PERSONAL_KEYS = /^(idNumber|phone|name|password|token|authorization)$/i;
const ID_NUMBER = /\b\d{17}[\dXx]\b/g;
const PHONE = /\b1\d{10}\b/g;

/** Lines held for the end of the turn: at most this many bytes, then they are written at once. */
const HELD_BYTES_MAX = 64 * 1024;

/** Both patterns need 11 digits in a row: most fields (methods, paths, roles, event types) are shorter than that. */
const SHORTEST_MASKED = 11;

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length < SHORTEST_MASKED ? value : value.replace(ID_NUMBER, '[id]').replace(PHONE, '[phone]');
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = PERSONAL_KEYS.test(k) ? '[redacted]' : scrub(v, depth + 1);
  return out;
}

let held = '';
let flushScheduled = false;

const format = (level: Level, msg: string, fields?: Record<string, unknown>) =>
  JSON.stringify({ t: new Date().toISOString(), level, msg: scrub(msg), ...(fields ? (scrub(fields) as object) : {}) });

const output = new LogOutput(
  (dropped) => format('warn', 'log lines dropped: the log’s reader fell behind', { dropped }) + '\n',
);

/** Hands the held debug and info lines to the output now (end of the turn, before a warning or error, at exit). */
function flushHeld(): void {
  flushScheduled = false;
  if (held === '') return;
  const text = held;
  held = '';
  output.send(1, text);
}

// Whatever is held or queued when the process ends (process.exit, the last turn) is still written, synchronously.
process.on('exit', () => {
  flushHeld();
  output.drainSync();
});

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = format(level, msg, fields);
  if (level === 'error' || level === 'warn') {
    // What led up to it first, so a reader sees the lines in the order they happened.
    flushHeld();
    output.send(2, line + '\n');
    return;
  }
  held += line + '\n';
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
  /** Hands the held lines to the output now (tests). */
  flush: flushHeld,
  /** Tests: where the output's bytes go (fd 1 or 2); undefined for the real stdout and stderr. */
  writeWith(fn: WriteFn | undefined) {
    output.setWriter(fn);
  },
  setLevel(level: Level | 'silent') {
    threshold = ORDER[level];
  },
};
