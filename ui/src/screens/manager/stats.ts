/** Today's figures in charts and tables: waits, issued and served per hour, per counter, ratings, per service and staff. */
import type { HallView } from '../../protocol/hall.js';
import { barChart, donut, hbarChart } from '../../lib/charts.js';
import { h, type Child } from '../../lib/dom.js';
import { num } from '../../lib/format.js';
import { counterName, serviceName, t } from '../../lib/i18n.js';
import type { Stats } from './state.js';

export function statsView(v: HallView, s: Stats | null): Child[] {
  if (!s) return [h('p', { class: 'empty' }, t('m.loading'))];
  const waitLabels = s.waitDistribution.map((b) =>
    b.toMinutes === null ? `${b.fromMinutes}+` : `${b.fromMinutes}–${b.toMinutes}`,
  );
  return [
    h(
      'div',
      { class: 'm-charts' },
      chartCard(
        t('m.chart.wait'),
        barChart({
          title: t('m.chart.wait'),
          labels: waitLabels,
          series: [{ name: t('m.chart.waitUnit'), values: s.waitDistribution.map((b) => b.count), cls: 's0' }],
        }),
        `${t('m.kpi.avgWait')} ${num(s.totals.avgWaitMinutes, 1)} · max ${num(s.totals.maxWaitMinutes)} ${t('m.chart.waitUnit')}`,
      ),
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
        h(
          'span',
          { class: 'm-legend' },
          h('span', { class: 'sw s1' }),
          t('m.chart.issued'),
          h('span', { class: 'sw s0' }),
          t('m.chart.served'),
        ),
      ),
      chartCard(
        t('m.chart.perCounter'),
        hbarChart({
          title: t('m.chart.perCounter'),
          rows: s.perCounter.map((c) => ({
            label: counterName({ id: c.counterId, name: c.name }),
            value: c.served,
            note: c.avgServiceMinutes == null ? '' : t('m.chart.avgNote', { n: num(c.avgServiceMinutes, 1) }),
          })),
        }),
      ),
      chartCard(
        t('m.chart.ratings'),
        h(
          'div',
          { class: 'm-rating-summary big' },
          donut({
            title: t('m.chart.satisfied'),
            percent: s.ratings.satisfiedPercent,
            label: t('m.kpi.ratings', { n: s.ratings.count }),
            size: 170,
          }),
          hbarChart({
            title: t('m.chart.ratings'),
            rows: [5, 4, 3, 2, 1].map((sc) => ({
              label: t(`level.${sc}`),
              value: s.ratings.byScore[sc] ?? 0,
              cls: `lv${sc}`,
            })),
            width: 420,
            labelWidth: 100,
          }),
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
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [
                t('m.col.service'),
                t('m.col.issued'),
                t('m.col.waiting'),
                t('m.col.served'),
                t('m.col.noShow'),
                t('m.col.avgWait'),
                t('m.col.avgService'),
              ].map((x, i) => h('th', { scope: 'col', class: i ? 'r' : '' }, x)),
            ),
          ),
          h(
            'tbody',
            null,
            s.perService.map((p) =>
              h(
                'tr',
                null,
                h(
                  'td',
                  null,
                  h('span', { class: 'm-prefix' }, p.prefix),
                  serviceName(
                    v.services.find((x) => x.id === p.serviceId),
                    p.name,
                  ),
                ),
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
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [t('m.col.staff'), t('m.col.served'), t('m.col.avgService'), t('m.col.rating')].map((x, i) =>
                h('th', { scope: 'col', class: i ? 'r' : '' }, x),
              ),
            ),
          ),
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
                h(
                  'td',
                  { class: 'r num' },
                  p.ratings.average == null ? '—' : `${num(p.ratings.average, 2)}（${p.ratings.count}）`,
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

function chartCard(titleText: string, chart: Node, foot: Child = null): HTMLElement {
  return h(
    'section',
    { class: 'card m-chart' },
    h('div', { class: 'card-head' }, h('h2', null, titleText), foot ? h('span', { class: 'm-sub' }, foot) : null),
    h('div', { class: 'card-body' }, chart),
  );
}
