/** Plots RSS and heap over a run as an SVG line chart (for docs/benchmarks.md) from the run's samples. */
import type { Sample } from './sampler.js';

const W = 720;
const H = 260;
const PAD = { left: 50, right: 36, top: 20, bottom: 36 };

/** An SVG with RSS (solid) and V8 heap used (dashed) in MB against minutes. */
export function memoryChartSvg(samples: Sample[], title: string): string {
  const MB = 1024 * 1024;
  const tMax = Math.max(1, ...samples.map((s) => s.t)) / 60_000;
  const yMax = Math.ceil(Math.max(1, ...samples.map((s) => Math.max(s.rss ?? 0, s.heapUsed ?? 0))) / MB / 100) * 100;
  const x = (t: number) => PAD.left + (t / 60_000 / tMax) * (W - PAD.left - PAD.right);
  const y = (bytes: number) => H - PAD.bottom - (bytes / MB / yMax) * (H - PAD.top - PAD.bottom);
  const line = (field: 'rss' | 'heapUsed') =>
    samples
      .filter((s) => s[field] !== undefined)
      .map((s, i) => `${i ? 'L' : 'M'}${x(s.t).toFixed(1)},${y(s[field]!).toFixed(1)}`)
      .join(' ');
  const yTicks = Array.from({ length: 5 }, (_, i) => (yMax * i) / 4);
  const xTicks = Array.from({ length: 6 }, (_, i) => (tMax * i) / 5);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="13" text-anchor="middle">${title}</text>`,
    ...yTicks.map(
      (v) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v * MB)}" y2="${y(v * MB)}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${y(v * MB) + 4}" text-anchor="end">${v.toFixed(0)} MB</text>`,
    ),
    ...xTicks.map(
      (m) =>
        `<text x="${x(m * 60_000)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${m.toFixed(tMax < 10 ? 1 : 0)} min</text>`,
    ),
    `<path d="${line('rss')}" fill="none" stroke="#c0392b" stroke-width="1.5"/>`,
    `<path d="${line('heapUsed')}" fill="none" stroke="#2471a3" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    `<text x="${PAD.left + 8}" y="${H - 6}" fill="#c0392b">— RSS</text><text x="${PAD.left + 70}" y="${H - 6}" fill="#2471a3">- - V8 heap used</text>`,
    '</svg>',
  ].join('\n');
}
