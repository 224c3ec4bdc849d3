/** The dashboard's overview: figures at a glance, queues, alerts, counters and the latest ratings. */
import type { HallView } from '../../protocol/hall.js';
import { donut, hbarChart } from '../../lib/charts.js';
import { h, type Child } from '../../lib/dom.js';
import { aboutMinutes, num, time } from '../../lib/format.js';
import { counterName, serviceName, t } from '../../lib/i18n.js';
import type { ManagerState } from './state.js';

export function overview(v: HallView, st: ManagerState): Child[] {
  const s = st.stats;
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
      kpi(
        t('m.kpi.longest'),
        num(s?.totals.longestWaitingNowMinutes),
        t('minutes', { n: '' }).trim(),
        'kpi-longest',
        (s?.totals.longestWaitingNowMinutes ?? 0) >= 60 ? 'warn' : '',
      ),
      kpi(t('m.kpi.counters'), `${open}/${v.counters.length}`, '', 'kpi-counters'),
      kpi(
        t('m.kpi.satisfied'),
        s?.ratings.satisfiedPercent == null ? '—' : num(s.ratings.satisfiedPercent, 1),
        s?.ratings.satisfiedPercent == null ? '' : '%',
        'kpi-satisfied',
        '',
        t('m.kpi.ratings', { n: s?.ratings.count ?? 0 }),
      ),
    ),
    h(
      'div',
      { class: 'm-grid' },
      h(
        'section',
        { class: 'card m-queues' },
        h('div', { class: 'card-head' }, h('h2', null, t('m.queues'))),
        queuesTable(v, st),
      ),
      h(
        'section',
        { class: 'card m-alerts' },
        h('div', { class: 'card-head' }, h('h2', null, t('m.alerts'))),
        alertsList(v, st),
      ),
      h(
        'section',
        { class: 'card m-counters' },
        h('div', { class: 'card-head' }, h('h2', null, t('m.counters'))),
        countersTable(v, st),
      ),
      h(
        'section',
        { class: 'card m-feed' },
        h('div', { class: 'card-head' }, h('h2', null, t('m.feed'))),
        feedList(v, st),
        ratingBars(st),
      ),
    ),
  ];
}

function kpi(label: string, value: string, unit: string, id: string, tone = '', sub = ''): HTMLElement {
  return h(
    'div',
    { class: `m-kpi ${tone}` },
    h('span', { class: 'm-kpi-label' }, label),
    h('span', { class: 'm-kpi-value' }, h('b', { class: 'num', id }, value), unit ? h('small', null, unit) : null),
    sub ? h('span', { class: 'm-kpi-sub' }, sub) : null,
  );
}

function queuesTable(v: HallView, st: ManagerState): HTMLElement {
  const per = new Map((st.stats?.perService ?? []).map((p) => [p.serviceId, p]));
  const max = Math.max(1, ...v.services.map((s) => s.waiting));
  return h(
    'table',
    { class: 'table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [
          t('m.col.service'),
          t('m.col.waiting'),
          t('m.col.eta'),
          t('m.col.issued'),
          t('m.col.served'),
          t('m.col.avgWait'),
        ].map((x, i) => h('th', { scope: 'col', class: i > 0 ? 'r' : '' }, x)),
      ),
    ),
    h(
      'tbody',
      null,
      v.services.map((s) => {
        const p = per.get(s.id);
        return h(
          'tr',
          { dataset: { service: s.id } },
          h('td', null, h('span', { class: 'm-prefix' }, s.prefix), serviceName(s)),
          h(
            'td',
            { class: 'r' },
            h(
              'span',
              { class: 'm-bar-cell' },
              inlineBar(s.waiting / max),
              h('b', { class: 'num m-waiting' }, s.waiting),
            ),
          ),
          h(
            'td',
            { class: `r num ${s.etaMinutes >= 60 ? 'm-warn' : ''}` },
            s.waiting ? aboutMinutes(s.etaMinutes) : '—',
          ),
          h('td', { class: 'r num' }, num(p?.issued ?? 0)),
          h('td', { class: 'r num' }, num(p?.served ?? 0)),
          h(
            'td',
            { class: 'r num' },
            p?.avgWaitMinutes == null ? '—' : t('m.minutes', { n: num(p.avgWaitMinutes, 1) }),
          ),
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

function countersTable(v: HallView, st: ManagerState): HTMLElement {
  const per = new Map((st.stats?.perCounter ?? []).map((p) => [p.counterId, p]));
  return h(
    'table',
    { class: 'table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [
          t('m.col.counter'),
          t('m.col.staff'),
          t('m.col.state'),
          t('m.col.current'),
          t('m.col.served'),
          t('m.col.rating'),
        ].map((x, i) => h('th', { scope: 'col', class: i >= 4 ? 'r' : '' }, x)),
      ),
    ),
    h(
      'tbody',
      null,
      v.counters.map((c) => {
        const p = per.get(c.id);
        return h(
          'tr',
          { dataset: { counter: c.id } },
          h(
            'td',
            null,
            h('b', null, counterName(c)),
            (c.tags ?? []).slice(0, 1).map((tag) => h('span', { class: 'm-tag' }, tag)),
          ),
          h('td', null, c.staffName ?? '—'),
          h(
            'td',
            null,
            h('span', { class: `badge badge-${c.status}` }, h('span', { class: 'dot' }), t(`counter.${c.status}`)),
            c.status === 'paused' && c.pauseReason ? h('span', { class: 'm-reason' }, c.pauseReason) : null,
          ),
          h(
            'td',
            { class: 'num' },
            c.current
              ? h(
                  'span',
                  null,
                  h('b', null, c.current),
                  ' ',
                  h('span', { class: 'm-sub' }, t(`status.${c.currentStatus ?? 'called'}`)),
                )
              : '—',
          ),
          h('td', { class: 'r num' }, num(p?.served ?? 0)),
          h(
            'td',
            { class: 'r num' },
            p?.ratings.average == null ? '—' : `${num(p.ratings.average, 2)}（${p.ratings.count}）`,
          ),
        );
      }),
    ),
  );
}

function alertsList(
  v: HallView,
  { followUps, devices, cases, integrations, quickFinishes, greenLane, brokerDown }: ManagerState,
): HTMLElement {
  const items: Array<[tone: 'red' | 'amber' | 'blue', text: string, href?: string]> = [];
  if (v.emergency) items.push(['red', t('m.alert.emergency', { name: v.emergency.name }), '#emergency']);
  if (brokerDown.length) items.push(['red', t('m.alert.brokerDown'), '#devices']);
  // Served within seconds of the call: nobody walks to a window that fast (a way to skip people).
  for (const a of quickFinishes)
    items.push([
      'amber',
      t('m.alert.quickFinishes', {
        counter: counterName(
          v.counters.find((c) => c.id === a.counterId),
          a.counterId ?? '',
        ),
        n: a.numbers?.length ?? 0,
        numbers: (a.numbers ?? []).join('、'),
      }),
    ]);
  // Green-lane tickets a clerk gave: each went ahead of everyone waiting.
  for (const a of greenLane)
    items.push([
      'amber',
      t('m.alert.greenLane', {
        staff: a.staffName ?? a.staffId ?? '',
        n: a.numbers?.length ?? 0,
        numbers: (a.numbers ?? []).join('、'),
      }),
      '#audit',
    ]);
  // 超期预警: each overdue case, then each due today, with the counter that accepted it.
  for (const k of cases.filter((x) => x.overdue))
    items.push([
      'red',
      t('m.alert.caseOverdue', {
        number: k.number,
        counter: counterName(
          v.counters.find((c) => c.id === k.counterId),
          k.counterId,
        ),
        due: k.dueOn,
      }),
    ]);
  for (const k of cases.filter((x) => x.dueToday))
    items.push([
      'amber',
      t('m.alert.caseDueToday', {
        number: k.number,
        counter: counterName(
          v.counters.find((c) => c.id === k.counterId),
          k.counterId,
        ),
      }),
    ]);
  // Outside systems failing, with how long and what waits to go out (GET /integrations).
  for (const system of ['registration', 'platform', 'sms'] as const) {
    const health = integrations[system];
    if (!health?.configured || health.ok) continue;
    const minutes = Math.floor((health.failingForSeconds ?? 0) / 60);
    items.push([
      system === 'sms' ? 'amber' : 'red',
      t('m.alert.integrationDown', { system: t(`m.em.system.${system}`), n: minutes, backlog: health.backlog }),
      '#emergency',
    ]);
  }
  // Waiting people whom no open counter serves (a counter closed by force, or everyone off).
  for (const svc of v.services)
    if (svc.needsCounter)
      items.push(['amber', t('m.alert.needsCounter', { service: serviceName(svc), n: svc.waiting })]);
  if (v.extendedService) items.push(['blue', t('m.alert.extended', { until: time(v.extendedService.until) })]);
  const open = followUps.filter((f) => f.open).length;
  if (open) items.push(['amber', t('m.alert.followups', { n: open }), '#followups']);
  const offline = devices.filter((d) => !d.online);
  if (offline.length)
    items.push([
      'amber',
      t('m.alert.offline', { n: offline.length, ids: offline.map((d) => d.id).join('、') }),
      '#devices',
    ]);
  for (const d of devices) {
    const st = d.lastStatus ?? {};
    if (d.kind === 'printer' && typeof st.paper === 'string' && st.paper !== 'ok')
      items.push([
        st.paper === 'out' ? 'red' : 'amber',
        t('m.alert.paper', { id: d.id, state: t(`m.paper.${st.paper}`) }),
        '#devices',
      ]);
    if (st.error) items.push(['red', t('m.alert.fault', { id: d.id, error: String(st.error) }), '#devices']);
    else if (d.faulty) items.push(['red', t('m.alert.fault', { id: d.id, error: t('m.dev.faulty') }), '#devices']);
  }
  for (const s of v.services)
    if (s.waiting > 0 && s.etaMinutes >= 60)
      items.push(['blue', t('m.alert.longWait', { service: serviceName(s), n: s.etaMinutes })]);
  for (const c of v.counters)
    if (c.status === 'paused')
      items.push(['blue', t('m.alert.paused', { counter: counterName(c), reason: c.pauseReason ?? '' })]);
  if (items.length === 0) return h('p', { class: 'empty' }, t('m.noAlerts'));
  return h(
    'ul',
    { class: 'm-alert-list' },
    items.map(([tone, text, href]) =>
      h(
        'li',
        { class: `m-alert m-alert-${tone}` },
        h('span', { class: 'dot' }),
        href ? h('a', { href }, text) : h('span', null, text),
      ),
    ),
  );
}

function feedList(v: HallView, { feed }: ManagerState): HTMLElement {
  if (feed.length === 0) return h('p', { class: 'empty m-feed-empty' }, t('m.feedEmpty'));
  return h(
    'ul',
    { class: 'm-feed-list', id: 'rating-feed' },
    feed.map((f) =>
      h(
        'li',
        { class: `m-feed-item score-${f.score}` },
        h('span', { class: 'm-score num' }, f.score),
        h(
          'span',
          null,
          t('m.feedItem', {
            counter: counterName(
              v.counters.find((c) => c.id === f.counterId),
              f.counterId,
            ),
            label: t(`level.${f.score}`),
          }),
        ),
        h('span', { class: 'm-sub num' }, time(f.at)),
      ),
    ),
  );
}

function ratingBars(st: ManagerState): Child {
  const r = st.stats?.ratings;
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
