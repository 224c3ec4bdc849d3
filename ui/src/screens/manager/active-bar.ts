/**
 * The dashboard's red bar: one line per active playbook, most severe first (equal ones in the order they started),
 * each with its banner if it has one — not only the headline, so a fight during a fire is not hidden from the manager.
 */
import type { HallView, Severity } from '../../protocol/hall.js';
import { paintBanners } from '../../lib/banners.js';
import { t } from '../../lib/i18n.js';

const RANK: Record<Severity, number> = { 'life-safety': 3, high: 2, medium: 1, low: 0 };
const DRILL = '【演练】';

const drillText = (text: string, drill: boolean) => (drill && !text.startsWith(DRILL) ? `${DRILL}${text}` : text);

/** The bar's lines: from the v2 active set, else (a v1 view) the headline alone. */
export function activeBarLines(v: HallView | null): string[] {
  if (!v) return [];
  const active = v.playbooks?.active;
  if (!active) {
    const e = v.emergency;
    return e ? [`${t('m.alert.emergency', { name: e.name })}${e.banner ? ` — ${e.banner}` : ''}`] : [];
  }
  // Stable sort: the server lists them in the order they started.
  return [...active]
    .sort((a, b) => RANK[b.severity] - RANK[a.severity])
    .map((p) => {
      const name = drillText(p.name, p.drill);
      return `${t('m.alert.emergency', { name })}${p.banner ? ` — ${drillText(p.banner, p.drill)}` : ''}`;
    });
}

/** Paints the bar; returns how many playbooks are active (the 应急预案 tab's count). */
export function paintActiveBar(el: HTMLElement, v: HallView | null): number {
  const lines = activeBarLines(v);
  paintBanners(el, lines);
  return lines.length;
}
