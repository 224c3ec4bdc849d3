/** Latency summaries and table printing for the benchmarks. */

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of millisecond samples, e.g. summarize([1, 2, 3]).p50 === 2. */
export function summarize(samples: number[]): Summary {
  if (samples.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  let sum = 0;
  for (const x of sorted) sum += x;
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted[sorted.length - 1], mean: sum / sorted.length };
}

export const ms = (x: number) =>
  Number.isFinite(x) ? (x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0)) + ' ms' : 'n/a';
export const mb = (bytes: number | undefined) =>
  bytes === undefined ? 'n/a' : (bytes / 1024 / 1024).toFixed(1) + ' MB';
export const times = (a: number, b: number) => (Number.isFinite(a / b) && b > 0 ? (a / b).toFixed(1) + '×' : 'n/a');

/** The median: the middle value, or the mean of the two middle values of an even count; NaN for none. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const judged = (value: number | undefined, ok: (v: number) => boolean) =>
  value === undefined || !Number.isFinite(value) ? 'unknown' : ok(value) ? 'met' : 'NOT met';

/** "met" / "NOT met" beside a target the value must stay under; the benchmarks print, they never fail on timing. */
export const verdict = (value: number | undefined, limit: number) => judged(value, (v) => v < limit);
/** The same for a target the value may reach (`≤ limit`). */
export const atMost = (value: number | undefined, limit: number) => judged(value, (v) => v <= limit);
/** The same for a target the value must reach (`≥ limit`). */
export const atLeast = (value: number | undefined, limit: number) => judged(value, (v) => v >= limit);

/** Prints rows as a plain aligned table. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
