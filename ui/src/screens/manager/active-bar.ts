/**
 * The dashboard's red bar: one line per active playbook, most severe first (equal ones in the order they started),
 * each with its banner if it has one — not only the headline, so a fight during a fire is not hidden from the manager.
 */
import type { HallView } from '../../protocol/hall.js';
import { drillText, severityRank } from '../../protocol/playbooks.js';
import { paintBanners } from '../../lib/banners.js';
import { t } from '../../lib/i18n.js';

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
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
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
