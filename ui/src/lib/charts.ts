/** Inline SVG charts for the dashboard (no library): grouped vertical bars and horizontal bars, labelled for screen readers. */
import { svg } from './dom.js';

export interface Series {
  name: string;
  values: number[];
  /** CSS class that colours the bars (see .chart .s0, .s1 …). */
  cls?: string;
}

/** Round axis maximum and step: 0, 5, 10 … or 0, 20, 40 … */
function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (max <= 0) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const rounded = Math.max(1, step >= 1 ? Math.round(step) : step);
  return { top: Math.ceil(max / rounded) * rounded, step: rounded };
}

/** Grouped vertical bars: one group per label, one bar per series. */
export function barChart(opts: {
  title: string;
  labels: string[];
  series: Series[];
  height?: number;
  width?: number;
}): SVGElement {
  const W = opts.width ?? 640;
  const H = opts.height ?? 260;
  const pad = { l: 40, r: 8, t: 18, b: 30 };
  const max = Math.max(0, ...opts.series.flatMap((s) => s.values));
  const { top, step } = niceScale(max);
  const plotW = W - pad.l - pad.r;
  const plotH = H - pad.t - pad.b;
  const groupW = plotW / Math.max(1, opts.labels.length);
  const barW = Math.max(3, Math.min(36, (groupW * 0.78) / opts.series.length));
  const y = (v: number) => pad.t + plotH - (v / top) * plotH;
  const summary = opts.labels
    .map((l, i) => `${l}: ${opts.series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join(', ')}`)
    .join('; ');
  const root = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `${opts.title}. ${summary}`,
    preserveAspectRatio: 'xMidYMid meet',
  });
  for (let v = 0; v <= top + 1e-9; v += step) {
    root.append(
      svg('line', { class: 'grid', x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v) }),
      svg('text', { class: 'axis', x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(Math.round(v * 10) / 10)),
    );
  }
  opts.labels.forEach((label, i) => {
    const gx = pad.l + i * groupW + (groupW - barW * opts.series.length) / 2;
    opts.series.forEach((s, si) => {
      const v = s.values[i] ?? 0;
      const x = gx + si * barW;
      const bh = Math.max(v > 0 ? 2 : 0, (v / top) * plotH);
      root.append(
        svg(
          'rect',
          { class: `bar ${s.cls ?? `s${si}`}`, x: x + 1, y: pad.t + plotH - bh, width: barW - 2, height: bh, rx: 2 },
          svg('title', null, `${label} ${s.name}: ${v}`),
        ),
      );
      if (v > 0 && barW >= 14)
        root.append(
          svg(
            'text',
            { class: 'value', x: x + barW / 2, y: pad.t + plotH - bh - 4, 'text-anchor': 'middle' },
            String(v),
          ),
        );
    });
    root.append(
      svg('text', { class: 'axis', x: pad.l + i * groupW + groupW / 2, y: H - 10, 'text-anchor': 'middle' }, label),
    );
  });
  root.append(svg('line', { class: 'baseline', x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0) }));
  return root;
}

export interface HBarRow {
  label: string;
  value: number;
  /** Text after the bar, e.g. '平均 12 分钟'. */
  note?: string;
  cls?: string;
}

/** Horizontal bars, one row per item, longest first if `sort`. */
export function hbarChart(opts: {
  title: string;
  rows: HBarRow[];
  width?: number;
  rowHeight?: number;
  labelWidth?: number;
}): SVGElement {
  const W = opts.width ?? 640;
  const rowH = opts.rowHeight ?? 28;
  const labelW = opts.labelWidth ?? 110;
  const noteW = 150;
  const H = Math.max(rowH, opts.rows.length * rowH) + 8;
  const max = Math.max(1, ...opts.rows.map((r) => r.value));
  const plotW = W - labelW - noteW - 8;
  const summary = opts.rows.map((r) => `${r.label} ${r.value}${r.note ? ` (${r.note})` : ''}`).join('; ');
  const root = svg('svg', {
    class: 'chart hbar',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `${opts.title}. ${summary}`,
  });
  opts.rows.forEach((r, i) => {
    const cy = 4 + i * rowH + rowH / 2;
    const bw = (r.value / max) * plotW;
    root.append(
      svg('text', { class: 'axis label', x: labelW - 8, y: cy + 5, 'text-anchor': 'end' }, r.label),
      svg('rect', { class: 'track', x: labelW, y: cy - rowH * 0.32, width: plotW, height: rowH * 0.64, rx: 3 }),
      svg('rect', {
        class: `bar ${r.cls ?? 's0'}`,
        x: labelW,
        y: cy - rowH * 0.32,
        width: Math.max(r.value > 0 ? 3 : 0, bw),
        height: rowH * 0.64,
        rx: 3,
      }),
      svg('text', { class: 'value', x: labelW + plotW + 8, y: cy + 5 }, `${r.value}${r.note ? ` · ${r.note}` : ''}`),
    );
  });
  return root;
}

/** A ring showing a share (0–100) with the number in the middle. */
export function donut(opts: { title: string; percent: number | null; label: string; size?: number }): SVGElement {
  const S = opts.size ?? 140;
  const r = S / 2 - 10;
  const c = 2 * Math.PI * r;
  const p = Math.max(0, Math.min(100, opts.percent ?? 0));
  return svg(
    'svg',
    {
      class: 'chart donut',
      viewBox: `0 0 ${S} ${S}`,
      role: 'img',
      'aria-label': `${opts.title}: ${opts.percent === null ? '—' : `${p}%`}`,
    },
    svg('circle', { class: 'track', cx: S / 2, cy: S / 2, r, fill: 'none', 'stroke-width': 14 }),
    svg('circle', {
      class: 'arc',
      cx: S / 2,
      cy: S / 2,
      r,
      fill: 'none',
      'stroke-width': 14,
      'stroke-dasharray': `${(p / 100) * c} ${c}`,
      transform: `rotate(-90 ${S / 2} ${S / 2})`,
      'stroke-linecap': 'round',
    }),
    svg(
      'text',
      { class: 'donut-value', x: S / 2, y: S / 2 + 6, 'text-anchor': 'middle' },
      opts.percent === null ? '—' : `${Math.round(p)}%`,
    ),
    svg('text', { class: 'donut-label', x: S / 2, y: S / 2 + 28, 'text-anchor': 'middle' }, opts.label),
  );
}
