/**
 * The city's other sites, nearest first when locations are known, else quietest first (GET /city/nearby, docs/city.md):
 * a point's kiosk and the phone page say where else one may go, how far, and how long the wait is there, e.g.
 * "中心大厅 距此约 15.4 公里，当前等候 3 人，约 10 分钟". Nothing shows
 * when the hall has no city link or the city has been silent.
 */
import type { CitySummarySite } from '../protocol/city.js';
import type { Api } from './api.js';
import { fill, h } from './dom.js';
import { aboutMinutes } from './format.js';
import { addStrings, t } from './i18n.js';

addStrings(
  {
    'nearby.title': '附近网点排队情况',
    'nearby.line': '当前等候 {n} 人，{eta}',
    'nearby.empty': '当前无人等候',
    'nearby.closed': '暂无窗口办理',
    'nearby.kind.point': '（便民服务点）',
    'nearby.distance': '距此约 {km} 公里，',
  },
  {
    'nearby.title': 'Queues at other sites nearby',
    'nearby.line': '{n} waiting, {eta}',
    'nearby.empty': 'Nobody waiting',
    'nearby.closed': 'No counter open',
    'nearby.kind.point': ' (service point)',
    'nearby.distance': 'about {km} km away, ',
  },
);

interface NearbyAnswer {
  enabled: boolean;
  sites: CitySummarySite[];
}

/** How a site's queue reads: its waiting and wait, or that nobody waits, or that no counter is open there. */
export function nearbyLine(s: CitySummarySite): string {
  if (s.openCounters === 0) return t('nearby.closed');
  if (s.waiting === 0) return t('nearby.empty');
  return t('nearby.line', { n: s.waiting, eta: aboutMinutes(s.etaMinutes) });
}

/** How far a site is ("距此约 3.2 公里，"), or nothing when the server gave no distance (a site without a location). */
export function nearbyDistance(s: CitySummarySite): string | null {
  if (typeof s.distanceKm !== 'number' || !Number.isFinite(s.distanceKm)) return null;
  return t('nearby.distance', { km: s.distanceKm.toFixed(1) });
}

/** A panel that keeps itself up to date; put `el` where it belongs (it stays hidden while there is nothing to say). */
export class NearbyPanel {
  readonly el: HTMLElement;
  private sites: CitySummarySite[] = [];
  private timer: number | undefined;

  constructor(
    private readonly api: Api,
    private readonly opts: { max?: number; className?: string } = {},
  ) {
    this.el = h('section', { class: `nearby ${opts.className ?? ''}`.trim(), id: 'nearby', hidden: true });
    this.el.setAttribute('aria-labelledby', 'nearby-title');
  }

  start(everyMs = 30_000): this {
    void this.load();
    this.timer = setInterval(() => void this.load(), everyMs) as unknown as number;
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async load(): Promise<void> {
    const r = await this.api.get<NearbyAnswer>('/city/nearby').catch(() => null);
    // A failed ask keeps what was shown; the server itself empties the list after a minute without the city.
    if (!r) return;
    // Without a city link now, none this run: the link is set at the server's start.
    if (!r.enabled) this.stop();
    this.sites = r.enabled ? r.sites.slice(0, this.opts.max ?? 3) : [];
    this.paint();
  }

  paint(): void {
    this.el.hidden = this.sites.length === 0;
    fill(
      this.el,
      h('h2', { id: 'nearby-title', class: 'nearby-title' }, t('nearby.title')),
      h(
        'ul',
        { class: 'nearby-list' },
        this.sites.map((s) =>
          h(
            'li',
            { class: 'nearby-site', dataset: { site: s.id } },
            h(
              'span',
              { class: 'nearby-name' },
              s.name,
              s.kind === 'point' ? h('span', { class: 'nearby-kind' }, t('nearby.kind.point')) : null,
            ),
            ' ',
            ...distanceSpan(s),
            h('span', { class: 'nearby-wait' }, nearbyLine(s)),
          ),
        ),
      ),
    );
  }
}

/** The distance (its text ends with the separator before the wait), or nothing. */
function distanceSpan(s: CitySummarySite): HTMLElement[] {
  const text = nearbyDistance(s);
  return text ? [h('span', { class: 'nearby-distance' }, text)] : [];
}
