/**
 * The manager dashboard: live queues and counters, alerts (follow-ups, device faults, long waits), today's figures
 * with charts, emergency playbooks, devices, staff and the audit log. Live over the stream; each panel refetches
 * only what an event changed.
 */
import { Api, type StaffSession } from '../lib/api.js';
import { barChart, donut, hbarChart } from '../lib/charts.js';
import { $, debounce, fill, h, setText, type Child } from '../lib/dom.js';
import { aboutMinutes, num, setTimeZone, time } from '../lib/format.js';
import { HallModel, type HallView } from '../lib/hall-model.js';
import { addStrings, counterName, onLangChange, serviceName, t } from '../lib/i18n.js';
import { staffLogin, staffLogout } from '../lib/login.js';
import { isLiveEvent } from '../lib/stream.js';
import { clock, connectionBanner, langButton, toast } from '../lib/ui.js';
import { auditPanel, devicesPanel, emergencyPanel, followupsPanel, staffPanel, type Device, type FollowUp, type ManagerContext } from './manager-admin.js';
import { MANAGER_EN, MANAGER_ZH } from './manager-strings.js';

addStrings(MANAGER_ZH, MANAGER_EN);

export interface Stats {
  day: string;
  totals: {
    issued: number;
    served: number;
    noShow: number;
    waiting: number;
    inService: number;
    avgWaitMinutes: number | null;
    avgServiceMinutes: number | null;
    maxWaitMinutes: number | null;
    longestWaitingNowMinutes: number | null;
    outOfTurnCalls: number;
  };
  waitDistribution: Array<{ fromMinutes: number; toMinutes: number | null; count: number }>;
  perHour: Array<{ hour: number; issued: number; served: number }>;
  perCounter: Array<{ counterId: string; name: string; served: number; noShow: number; avgServiceMinutes: number | null; avgWaitMinutes: number | null; staffName: string | null; ratings: Ratings }>;
  perService: Array<{ serviceId: string; prefix: string; name: string; nameEn?: string; issued: number; waiting: number; served: number; noShow: number; avgWaitMinutes: number | null; avgServiceMinutes: number | null }>;
  perStaff: Array<{ staffId: string; name: string; served: number; avgServiceMinutes: number | null; ratings: Ratings }>;
  ratings: Ratings;
}
interface Ratings {
  count: number;
  average: number | null;
  satisfiedPercent: number | null;
  byScore: Record<string, number>;
}

const TABS = ['overview', 'stats', 'emergency', 'followups', 'devices', 'staff', 'audit'] as const;
type Tab = (typeof TABS)[number];
const LEVEL_ZH: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
const LEVEL_EN: Record<number, string> = { 5: 'Very satisfied', 4: 'Satisfied', 3: 'Fairly satisfied', 2: 'Dissatisfied', 1: 'Very dissatisfied' };
addStrings(
  Object.fromEntries(Object.entries(LEVEL_ZH).map(([k, v]) => [`level.${k}`, v])),
  Object.fromEntries(Object.entries(LEVEL_EN).map(([k, v]) => [`level.${k}`, v])),
);

const app = $('#app');
void main();

async function main(): Promise<void> {
  const session = await staffLogin(app, { title: t('m.title'), roles: ['manager'] });
  start(session);
}

function start(session: StaffSession): void {
  const api = new Api({
    token: session.token,
    onUnauthorized: () => {
      void staffLogout(null).then(() => location.reload());
    },
  });
  const model = new HallModel(api, session.token).start();
  const conn = connectionBanner();
  model.onStatus((s) => conn.set(s));

  let stats: Stats | null = null;
  let devices: Device[] = [];
  let followUps: FollowUp[] = [];
  const feed: Array<{ counterId?: string; score: number; at: string }> = [];

  const ctx: ManagerContext = {
    api,
    session,
    model,
    get devices() {
      return devices;
    },
    get followUps() {
      return followUps;
    },
    reloadDevices: () => loadDevices(),
    reloadFollowUps: () => loadFollowUps(),
  };

  // ---- shell -----------------------------------------------------------------------------------------------------
  const nav = h(
    'nav',
    { class: 'm-nav', 'aria-label': t('m.title') },
    h('div', { class: 'm-nav-brand' }, h('img', { src: '/ui/icon.svg', alt: '', width: 40, height: 40 }), h('div', null, h('b', null, t('m.title')), h('span', { class: 'm-hall' }, '云浮市不动产登记中心'))),
    h(
      'ul',
      null,
      TABS.map((tab) => h('li', null, h('a', { href: `#${tab}`, class: 'm-nav-link', dataset: { tab } }, h('span', { class: 'm-nav-label' }, t(`m.nav.${tab}`)), h('span', { class: 'm-nav-count', dataset: { count: tab } })))),
    ),
  );
  const title = h('h1', { class: 'm-title' });
  const topbar = h(
    'header',
    { class: 'm-top' },
    title,
    h('div', { class: 'm-top-tools' }, clock(true), h('span', { class: 'm-user' }, session.user.name), langButton('btn-sm'), h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: () => void staffLogout(session).then(() => location.reload()) }, t('m.logout'))),
  );
  const banner = h('div', { class: 'emergency-banner m-banner', role: 'alert', hidden: true });
  const content = h('main', { class: 'm-content', id: 'main', tabindex: '-1' });
  app.replaceChildren(conn.el, nav, h('div', { class: 'm-page' }, topbar, banner, content));

  const current = (): Tab => {
    const hash = location.hash.slice(1) as Tab;
    return TABS.includes(hash) ? hash : 'overview';
  };

  function render(): void {
    const tab = current();
    for (const a of nav.querySelectorAll<HTMLAnchorElement>('.m-nav-link')) {
      if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    setText(title, t(`m.nav.${tab}`));
    document.title = `${t(`m.nav.${tab}`)} · ${t('m.title')}`;
    const v = model.view;
    if (v) {
      setTimeZone(v.timezone);
      banner.hidden = !v.emergency;
      if (v.emergency) setText(banner, `${t('m.alert.emergency', { name: v.emergency.name })}${v.emergency.banner ? ` — ${v.emergency.banner}` : ''}`);
    }
    const openFollowUps = followUps.filter((f) => f.open).length;
    paintCount('followups', openFollowUps);
    paintCount('devices', devices.filter((d) => !d.online).length);
    paintCount('emergency', v?.emergency ? 1 : 0);
    if (!v) {
      fill(content, h('p', { class: 'empty' }, t('m.loading')));
      return;
    }
    switch (tab) {
      case 'overview':
        fill(content, overview(v));
        break;
      case 'stats':
        fill(content, statsView(v));
        break;
      case 'emergency':
        emergencyPanel(ctx, content);
        break;
      case 'followups':
        followupsPanel(ctx, content);
        break;
      case 'devices':
        devicesPanel(ctx, content);
        break;
      case 'staff':
        staffPanel(ctx, content);
        break;
      case 'audit':
        auditPanel(ctx, content);
        break;
    }
  }

  function paintCount(tab: string, n: number): void {
    const el = nav.querySelector<HTMLElement>(`[data-count="${tab}"]`);
    if (!el) return;
    el.hidden = n === 0;
    setText(el, n);
  }

  // Live panels repaint on data; admin panels (forms) only when opened, so typing is never interrupted.
  const LIVE: Tab[] = ['overview', 'stats'];
  const repaint = debounce(() => (LIVE.includes(current()) ? render() : paintBadges()), 150);
  function paintBadges(): void {
    paintCount('followups', followUps.filter((f) => f.open).length);
    paintCount('devices', devices.filter((d) => !d.online).length);
    paintCount('emergency', model.view?.emergency ? 1 : 0);
    const v = model.view;
    banner.hidden = !v?.emergency;
    if (v?.emergency) setText(banner, `${t('m.alert.emergency', { name: v.emergency.name })}${v.emergency.banner ? ` — ${v.emergency.banner}` : ''}`);
  }
  addEventListener('hashchange', () => {
    render();
    content.focus({ preventScroll: true });
  });
  onLangChange(render);

  // ---- data ------------------------------------------------------------------------------------------------------
  async function loadStats(): Promise<void> {
    try {
      stats = await api.get<Stats>('/stats/today');
      repaint();
    } catch {
      /* next event retries */
    }
  }
  async function loadDevices(): Promise<void> {
    try {
      devices = (await api.get<{ devices: Device[] }>('/devices')).devices;
      repaint();
    } catch {
      /* next tick retries */
    }
  }
  async function loadFollowUps(): Promise<void> {
    try {
      followUps = (await api.get<{ followUps: FollowUp[] }>('/followups')).followUps;
      repaint();
    } catch {
      /* next event retries */
    }
  }
  const statsSoon = debounce(() => void loadStats(), 600);

  model.onChange((c) => {
    if (c.kind === 'event') {
      const e = c.event;
      if (e.type === 'evaluation.recorded') {
        feed.unshift({ counterId: e.counterId, score: e.score, at: e.at });
        feed.splice(12);
        const label = t(`level.${e.score}`);
        // The feed lists ratings replayed after a reconnect too; only new ones pop up.
        if (isLiveEvent(e)) toast(`${counterName(model.counter(e.counterId), e.counterId)} · ${label}`, e.score <= 2 ? 'error' : 'ok');
      }
      if (e.type === 'followup.opened' || e.type === 'followup.answered') void loadFollowUps();
      if (e.type === 'device.status') void loadDevices();
      if (e.type.startsWith('ticket.') || e.type === 'evaluation.recorded' || e.type === 'counter.status') statsSoon();
    }
    if (c.kind === 'snapshot') {
      void loadStats();
      void loadFollowUps();
      void loadDevices();
    }
    repaint();
  });
  setInterval(() => void loadDevices(), 30_000);
  setInterval(() => void loadStats(), 60_000);
  render();

  // ---- overview --------------------------------------------------------------------------------------------------
  function overview(v: HallView): Child[] {
    const s = stats;
    const open = v.counters.filter((c) => c.status === 'open').length;
    const waiting = v.services.reduce((a, x) => a + x.waiting, 0);
    return [
      h(
        'section',
        { class: 'm-kpis', 'aria-label': t('m.nav.overview') },
        kpi(t('m.kpi.waiting'), num(waiting), t('people', { n: '' }).trim(), 'kpi-waiting'),
        kpi(t('m.kpi.issued'), num(s?.totals.issued), '', 'kpi-issued'),
        kpi(t('m.kpi.served'), num(s?.totals.served), '', 'kpi-served'),
        kpi(t('m.kpi.avgWait'), num(s?.totals.avgWaitMinutes, 1), t('minutes', { n: '' }).trim(), 'kpi-avg-wait'),
        kpi(t('m.kpi.longest'), num(s?.totals.longestWaitingNowMinutes), t('minutes', { n: '' }).trim(), 'kpi-longest', (s?.totals.longestWaitingNowMinutes ?? 0) >= 60 ? 'warn' : ''),
        kpi(t('m.kpi.counters'), `${open}/${v.counters.length}`, '', 'kpi-counters'),
        kpi(t('m.kpi.satisfied'), s?.ratings.satisfiedPercent == null ? '—' : num(s.ratings.satisfiedPercent, 1), s?.ratings.satisfiedPercent == null ? '' : '%', 'kpi-satisfied', '', t('m.kpi.ratings', { n: s?.ratings.count ?? 0 })),
      ),
      h(
        'div',
        { class: 'm-grid' },
        h('section', { class: 'card m-queues' }, h('div', { class: 'card-head' }, h('h2', null, t('m.queues'))), queuesTable(v)),
        h('section', { class: 'card m-alerts' }, h('div', { class: 'card-head' }, h('h2', null, t('m.alerts'))), alertsList(v)),
        h('section', { class: 'card m-counters' }, h('div', { class: 'card-head' }, h('h2', null, t('m.counters'))), countersTable(v)),
        h('section', { class: 'card m-feed' }, h('div', { class: 'card-head' }, h('h2', null, t('m.feed'))), feedList(), ratingBars()),
      ),
    ];
  }

  function kpi(label: string, value: string, unit: string, id: string, tone = '', sub = ''): HTMLElement {
    return h('div', { class: `m-kpi ${tone}` }, h('span', { class: 'm-kpi-label' }, label), h('span', { class: 'm-kpi-value' }, h('b', { class: 'num', id }, value), unit ? h('small', null, unit) : null), sub ? h('span', { class: 'm-kpi-sub' }, sub) : null);
  }

  function queuesTable(v: HallView): HTMLElement {
    const per = new Map((stats?.perService ?? []).map((p) => [p.serviceId, p]));
    const max = Math.max(1, ...v.services.map((s) => s.waiting));
    return h(
      'table',
      { class: 'table' },
      h('thead', null, h('tr', null, [t('m.col.service'), t('m.col.waiting'), t('m.col.eta'), t('m.col.issued'), t('m.col.served'), t('m.col.avgWait')].map((x, i) => h('th', { scope: 'col', class: i > 0 ? 'r' : '' }, x)))),
      h(
        'tbody',
        null,
        v.services.map((s) => {
          const p = per.get(s.id);
          return h(
            'tr',
            { dataset: { service: s.id } },
            h('td', null, h('span', { class: 'm-prefix' }, s.prefix), serviceName(s)),
            h('td', { class: 'r' }, h('span', { class: 'm-bar-cell' }, inlineBar(s.waiting / max), h('b', { class: 'num m-waiting' }, s.waiting))),
            h('td', { class: `r num ${s.etaMinutes >= 60 ? 'm-warn' : ''}` }, s.waiting ? aboutMinutes(s.etaMinutes) : '—'),
            h('td', { class: 'r num' }, num(p?.issued ?? 0)),
            h('td', { class: 'r num' }, num(p?.served ?? 0)),
            h('td', { class: 'r num' }, p?.avgWaitMinutes == null ? '—' : t('m.minutes', { n: num(p.avgWaitMinutes, 1) })),
          );
        }),
      ),
    );
  }

  function inlineBar(share: number): HTMLElement {
    const bar = h('span', { class: 'm-inline-bar', 'aria-hidden': 'true' });
    bar.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
    return h('span', { class: 'm-inline-track', 'aria-hidden': 'true' }, bar);
  }

  function countersTable(v: HallView): HTMLElement {
    const per = new Map((stats?.perCounter ?? []).map((p) => [p.counterId, p]));
    return h(
      'table',
      { class: 'table' },
      h('thead', null, h('tr', null, [t('m.col.counter'), t('m.col.staff'), t('m.col.state'), t('m.col.current'), t('m.col.served'), t('m.col.rating')].map((x, i) => h('th', { scope: 'col', class: i >= 4 ? 'r' : '' }, x)))),
      h(
        'tbody',
        null,
        v.counters.map((c) => {
          const p = per.get(c.id);
          return h(
            'tr',
            { dataset: { counter: c.id } },
            h('td', null, h('b', null, counterName(c)), (c.tags ?? []).slice(0, 1).map((tag) => h('span', { class: 'm-tag' }, tag))),
            h('td', null, c.staffName ?? '—'),
            h('td', null, h('span', { class: `badge badge-${c.status}` }, h('span', { class: 'dot' }), t(`counter.${c.status}`)), c.status === 'paused' && c.pauseReason ? h('span', { class: 'm-reason' }, c.pauseReason) : null),
            h('td', { class: 'num' }, c.current ? h('span', null, h('b', null, c.current), ' ', h('span', { class: 'm-sub' }, t(`status.${c.currentStatus ?? 'called'}`))) : '—'),
            h('td', { class: 'r num' }, num(p?.served ?? 0)),
            h('td', { class: 'r num' }, p?.ratings.average == null ? '—' : `${num(p.ratings.average, 2)}（${p.ratings.count}）`),
          );
        }),
      ),
    );
  }

  function alertsList(v: HallView): HTMLElement {
    const items: Array<[tone: 'red' | 'amber' | 'blue', text: string, href?: string]> = [];
    if (v.emergency) items.push(['red', t('m.alert.emergency', { name: v.emergency.name }), '#emergency']);
    const open = followUps.filter((f) => f.open).length;
    if (open) items.push(['amber', t('m.alert.followups', { n: open }), '#followups']);
    const offline = devices.filter((d) => !d.online);
    if (offline.length) items.push(['amber', t('m.alert.offline', { n: offline.length, ids: offline.map((d) => d.id).join('、') }), '#devices']);
    for (const d of devices) {
      const st = d.lastStatus ?? {};
      if (d.kind === 'printer' && typeof st.paper === 'string' && st.paper !== 'ok') items.push([st.paper === 'out' ? 'red' : 'amber', t('m.alert.paper', { id: d.id, state: t(`m.paper.${st.paper}`) }), '#devices']);
      if (st.error) items.push(['red', t('m.alert.fault', { id: d.id, error: String(st.error) }), '#devices']);
      else if (d.faulty) items.push(['red', t('m.alert.fault', { id: d.id, error: t('m.dev.faulty') }), '#devices']);
    }
    for (const s of v.services) if (s.waiting > 0 && s.etaMinutes >= 60) items.push(['blue', t('m.alert.longWait', { service: serviceName(s), n: s.etaMinutes })]);
    for (const c of v.counters) if (c.status === 'paused') items.push(['blue', t('m.alert.paused', { counter: counterName(c), reason: c.pauseReason ?? '' })]);
    if (items.length === 0) return h('p', { class: 'empty' }, t('m.noAlerts'));
    return h(
      'ul',
      { class: 'm-alert-list' },
      items.map(([tone, text, href]) => h('li', { class: `m-alert m-alert-${tone}` }, h('span', { class: 'dot' }), href ? h('a', { href }, text) : h('span', null, text))),
    );
  }

  function feedList(): HTMLElement {
    if (feed.length === 0) return h('p', { class: 'empty m-feed-empty' }, t('m.feedEmpty'));
    return h(
      'ul',
      { class: 'm-feed-list', id: 'rating-feed' },
      feed.map((f) =>
        h(
          'li',
          { class: `m-feed-item score-${f.score}` },
          h('span', { class: 'm-score num' }, f.score),
          h('span', null, t('m.feedItem', { counter: counterName(model.counter(f.counterId), f.counterId), label: t(`level.${f.score}`) })),
          h('span', { class: 'm-sub num' }, time(f.at)),
        ),
      ),
    );
  }

  function ratingBars(): Child {
    const r = stats?.ratings;
    if (!r) return null;
    return h(
      'div',
      { class: 'm-rating-summary' },
      donut({ title: t('m.chart.satisfied'), percent: r.satisfiedPercent, label: t('m.chart.satisfied'), size: 130 }),
      hbarChart({
        title: t('m.chart.ratings'),
        rows: [5, 4, 3, 2, 1].map((sc) => ({ label: t(`level.${sc}`), value: r.byScore[sc] ?? 0, cls: `lv${sc}` })),
        width: 360,
        rowHeight: 24,
        labelWidth: 90,
      }),
    );
  }

  // ---- stats -----------------------------------------------------------------------------------------------------
  function statsView(v: HallView): Child[] {
    const s = stats;
    if (!s) return [h('p', { class: 'empty' }, t('m.loading'))];
    const waitLabels = s.waitDistribution.map((b) => (b.toMinutes === null ? `${b.fromMinutes}+` : `${b.fromMinutes}–${b.toMinutes}`));
    return [
      h(
        'div',
        { class: 'm-charts' },
        chartCard(t('m.chart.wait'), barChart({ title: t('m.chart.wait'), labels: waitLabels, series: [{ name: t('m.chart.waitUnit'), values: s.waitDistribution.map((b) => b.count), cls: 's0' }] }), `${t('m.kpi.avgWait')} ${num(s.totals.avgWaitMinutes, 1)} · max ${num(s.totals.maxWaitMinutes)} ${t('m.chart.waitUnit')}`),
        chartCard(
          t('m.chart.perHour'),
          barChart({
            title: t('m.chart.perHour'),
            labels: s.perHour.map((p) => String(p.hour).padStart(2, '0')),
            series: [
              { name: t('m.chart.issued'), values: s.perHour.map((p) => p.issued), cls: 's1' },
              { name: t('m.chart.served'), values: s.perHour.map((p) => p.served), cls: 's0' },
            ],
          }),
          h('span', { class: 'm-legend' }, h('span', { class: 'sw s1' }), t('m.chart.issued'), h('span', { class: 'sw s0' }), t('m.chart.served')),
        ),
        chartCard(
          t('m.chart.perCounter'),
          hbarChart({
            title: t('m.chart.perCounter'),
            rows: s.perCounter.map((c) => ({ label: counterName({ id: c.counterId, name: c.name }), value: c.served, note: c.avgServiceMinutes == null ? '' : t('m.chart.avgNote', { n: num(c.avgServiceMinutes, 1) }) })),
          }),
        ),
        chartCard(
          t('m.chart.ratings'),
          h(
            'div',
            { class: 'm-rating-summary big' },
            donut({ title: t('m.chart.satisfied'), percent: s.ratings.satisfiedPercent, label: t('m.kpi.ratings', { n: s.ratings.count }), size: 170 }),
            hbarChart({ title: t('m.chart.ratings'), rows: [5, 4, 3, 2, 1].map((sc) => ({ label: t(`level.${sc}`), value: s.ratings.byScore[sc] ?? 0, cls: `lv${sc}` })), width: 420, labelWidth: 100 }),
          ),
          s.ratings.average == null ? '' : t('m.ratingAvg', { n: num(s.ratings.average, 2) }),
        ),
      ),
      h(
        'div',
        { class: 'm-grid two' },
        h(
          'section',
          { class: 'card' },
          h('div', { class: 'card-head' }, h('h2', null, t('m.perService'))),
          h(
            'table',
            { class: 'table' },
            h('thead', null, h('tr', null, [t('m.col.service'), t('m.col.issued'), t('m.col.waiting'), t('m.col.served'), t('m.col.noShow'), t('m.col.avgWait'), t('m.col.avgService')].map((x, i) => h('th', { scope: 'col', class: i ? 'r' : '' }, x)))),
            h(
              'tbody',
              null,
              s.perService.map((p) =>
                h(
                  'tr',
                  null,
                  h('td', null, h('span', { class: 'm-prefix' }, p.prefix), serviceName(v.services.find((x) => x.id === p.serviceId), p.name)),
                  ...[p.issued, p.waiting, p.served, p.noShow].map((n) => h('td', { class: 'r num' }, num(n))),
                  h('td', { class: 'r num' }, p.avgWaitMinutes == null ? '—' : num(p.avgWaitMinutes, 1)),
                  h('td', { class: 'r num' }, p.avgServiceMinutes == null ? '—' : num(p.avgServiceMinutes, 1)),
                ),
              ),
            ),
          ),
        ),
        h(
          'section',
          { class: 'card' },
          h('div', { class: 'card-head' }, h('h2', null, t('m.perStaff'))),
          h(
            'table',
            { class: 'table' },
            h('thead', null, h('tr', null, [t('m.col.staff'), t('m.col.served'), t('m.col.avgService'), t('m.col.rating')].map((x, i) => h('th', { scope: 'col', class: i ? 'r' : '' }, x)))),
            h(
              'tbody',
              null,
              s.perStaff.map((p) =>
                h(
                  'tr',
                  null,
                  h('td', null, p.name),
                  h('td', { class: 'r num' }, num(p.served)),
                  h('td', { class: 'r num' }, p.avgServiceMinutes == null ? '—' : num(p.avgServiceMinutes, 1)),
                  h('td', { class: 'r num' }, p.ratings.average == null ? '—' : `${num(p.ratings.average, 2)}（${p.ratings.count}）`),
                ),
              ),
            ),
          ),
        ),
      ),
    ];
  }

  function chartCard(titleText: string, chart: Node, foot: Child = null): HTMLElement {
    return h('section', { class: 'card m-chart' }, h('div', { class: 'card-head' }, h('h2', null, titleText), foot ? h('span', { class: 'm-sub' }, foot) : null), h('div', { class: 'card-body' }, chart));
  }
}
