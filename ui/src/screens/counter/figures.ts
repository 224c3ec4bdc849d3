/** Today's own figures (served, average service and wait, no-shows, ratings) and the last tickets finished here. */
import { h } from '../../lib/dom.js';
import { num, time } from '../../lib/format.js';
import { serviceName, t } from '../../lib/i18n.js';
import type { Console } from './state.js';

export function figuresView(c: Console) {
  const f = c.state.figures;
  const cell = (label: string, value: string, id: string) =>
    h(
      'div',
      { class: 'c-fig' },
      h('span', { class: 'c-fig-v num', id }, value),
      h('span', { class: 'c-fig-l' }, label),
    );
  const minutes = (v: number | null | undefined) => (v == null ? '—' : t('minutes', { n: num(v, 1) }));
  return [
    h('div', { class: 'card-head' }, h('h2', { id: 'fig-h' }, t('c.today', { name: c.session.user.name }))),
    h(
      'div',
      { class: 'c-figs' },
      cell(t('c.fig.served'), num(f?.totals.served ?? 0), 'fig-served'),
      cell(t('c.fig.avgService'), minutes(f?.totals.avgServiceMinutes), 'fig-avg-service'),
      cell(t('c.fig.avgWait'), minutes(f?.totals.avgWaitMinutes), 'fig-avg-wait'),
      cell(t('c.fig.noShow'), num(f?.totals.noShow ?? 0), 'fig-no-show'),
      cell(t('c.fig.rating'), f?.ratings.average == null ? '—' : `${num(f.ratings.average, 2)} / 5`, 'fig-rating'),
      cell(
        t('c.fig.satisfied'),
        f?.ratings.satisfiedPercent == null ? '—' : `${num(f.ratings.satisfiedPercent, 1)}%`,
        'fig-satisfied',
      ),
    ),
    c.state.recentDone.length ? recentTable(c) : null,
  ];
}

function recentTable(c: Console) {
  return h(
    'table',
    { class: 'table c-done' },
    h('caption', { class: 'sr-only' }, t('c.recentDone')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [t('c.col.number'), t('c.col.service'), t('c.col.finished'), t('c.col.duration'), t('c.col.rated')].map((x) =>
          h('th', { scope: 'col' }, x),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      c.state.recentDone.map((d) =>
        h(
          'tr',
          null,
          h('td', { class: 'num' }, h('b', null, d.number)),
          h('td', null, serviceName(c.service(d.serviceId), d.serviceName)),
          h('td', { class: 'num' }, d.status === 'no_show' ? t('status.no_show') : time(d.finishedAt)),
          h(
            'td',
            { class: 'num' },
            d.startedAt && d.finishedAt
              ? t('minutes', {
                  n: Math.max(1, Math.round((Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 60_000)),
                })
              : '—',
          ),
          h(
            'td',
            null,
            d.rated
              ? h('span', { class: 'badge badge-open' }, '✓ ', t('c.ratedYes'))
              : h('span', { class: 'badge badge-muted' }, t('c.ratedNo')),
          ),
        ),
      ),
    ),
  );
}
