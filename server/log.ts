/** Structured logs: one JSON line each, never personal data (fields that look like it are masked). */

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

let threshold = ORDER[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? ORDER.info;

const PERSONAL_KEYS = /^(idNumber|phone|name|password|token|authorization)$/i;
const ID_NUMBER = /\b\d{17}[\dXx]\b/g;
const PHONE = /\b1\d{10}\b/g;

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(ID_NUMBER, '[id]').replace(PHONE, '[phone]');
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = PERSONAL_KEYS.test(k) ? '[redacted]' : scrub(v, depth + 1);
  return out;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({
    t: new Date().toISOString(),
    level,
    msg: scrub(msg),
    ...(fields ? (scrub(fields) as object) : {}),
  });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
  /** Whether `level` is written: lets a hot path skip building fields that would be dropped. */
  enabled: (level: Level) => ORDER[level] >= threshold,
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
  setLevel(level: Level | 'silent') {
    threshold = ORDER[level];
  },
};
