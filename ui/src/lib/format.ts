/** Dates, times and durations in the hall's time zone and the screen's language. */
import { getLang, t } from './i18n.js';

let zone = 'Asia/Shanghai';
/** Server clock minus this browser's clock, from the HTTP Date header: hall screens show the hall's time. */
let skewMs = 0;

/** Learns the server's clock from a response's Date header (whole seconds, so only bigger drifts count). */
export function noteServerDate(header: string | null, sentAt: number, receivedAt = Date.now()): void {
  const server = header ? Date.parse(header) : NaN;
  if (!Number.isFinite(server)) return;
  const local = (sentAt + receivedAt) / 2;
  const next = server + 500 - local;
  if (Math.abs(next - skewMs) > 1500) skewMs = Math.round(next);
}

/** Now, by the server's clock. */
export function now(): number {
  return Date.now() + skewMs;
}
const cache = new Map<string, Intl.DateTimeFormat>();

export function setTimeZone(tz: string | undefined): void {
  if (tz && tz !== zone) {
    zone = tz;
    cache.clear();
  }
}

function fmt(kind: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${getLang()}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: zone, ...opts });
    cache.set(key, f);
  }
  return f;
}

const toDate = (v: string | number | Date) => (v instanceof Date ? v : new Date(v));

/** 09:05 */
export function time(v: string | number | Date | null | undefined): string {
  if (v === null || v === undefined) return '';
  return fmt('hm', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(toDate(v));
}

/** 09:05:07 */
export function timeSeconds(v: string | number | Date): string {
  return fmt('hms', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(toDate(v));
}

/** 2026年11月26日 星期四 / Thursday 26 November 2026 */
export function longDate(v: string | number | Date = now()): string {
  return fmt('date', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(toDate(v));
}

/** 11月27日 08:30 / 27 Nov, 08:30 */
export function dateTime(v: string | number | Date): string {
  return fmt('dt', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    toDate(v),
  );
}

/** Whole minutes from `iso` to now (never negative). */
export function minutesSince(iso: string | null | undefined, at = now()): number {
  if (!iso) return 0;
  return Math.max(0, Math.floor((at - Date.parse(iso)) / 60_000));
}

/** 约 12 分钟 */
export function aboutMinutes(n: number | null | undefined): string {
  return t('aboutMinutes', { n: Math.max(0, Math.round(n ?? 0)) });
}

/** mm:ss for a running timer */
export function elapsed(fromIso: string | null | undefined, at = now()): string {
  if (!fromIso) return '';
  const s = Math.max(0, Math.floor((at - Date.parse(fromIso)) / 1000));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** 1,234 / 1 234 */
export function num(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  });
}
