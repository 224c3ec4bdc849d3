/** Who this counter would call, group by group in its order of preference, each with an out-of-turn button. */
import { h } from '../../lib/dom.js';
import { minutesSince } from '../../lib/format.js';
import { serviceName, t } from '../../lib/i18n.js';
import { priorityBadge, serving, status, waitingTickets, type Console } from './state.js';

/** Rows shown per group: the rest are far from being called. */
const ROWS_PER_GROUP = 60;

export function queueView(c: Console) {
  const groups = c.state.queue?.groups ?? [];
  const canCall = !serving(c.state) && status(c.state) === 'open' && !c.state.queueFrozen;
  let pos = 0;
  return [
    h(
      'div',
      { class: 'card-head' },
      h('h2', { id: 'q-h' }, t('c.queue')),
      h(
        'span',
        { class: 'badge badge-muted', id: 'queue-total' },
        t('c.queueTotal', { n: waitingTickets(c.state).length }),
      ),
    ),
    caseWarnings(c),
    h('p', { class: 'c-queue-rule hint' }, t('c.queueRule')),
    h(
      'div',
      { class: 'c-queue-body' },
      groups.map((g, gi) =>
        h(
          'section',
          { class: 'c-group' },
          h(
            'h3',
            null,
            h('span', { class: 'c-group-rank' }, t('c.groupRank', { n: gi + 1 })),
            g.services.map((id) => serviceName(c.service(id), id)).join('、'),
            h('span', { class: 'c-group-n' }, t('people', { n: g.waiting.length })),
          ),
          g.waiting.length
            ? h(
                'ol',
                { class: 'c-queue-list' },
                g.waiting.slice(0, ROWS_PER_GROUP).map((w) =>
                  h(
                    'li',
                    { class: 'c-q-row', dataset: { ticket: w.id, number: w.number } },
                    h('span', { class: 'c-q-pos num' }, ++pos),
                    h('span', { class: 'c-q-number num' }, w.number),
                    h(
                      'span',
                      { class: 'c-q-info' },
                      h('span', null, serviceName(c.service(w.serviceId), w.serviceName)),
                      w.priority !== 'normal'
                        ? h('span', { class: priorityBadge(w.priority) }, t(`priority.${w.priority}`))
                        : null,
                    ),
                    h('span', { class: 'c-q-wait num' }, t('minutes', { n: minutesSince(w.issuedAt) })),
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'btn btn-sm btn-ghost c-q-call',
                        disabled: !canCall,
                        onclick: () => c.outOfTurnFor(w.id),
                        'aria-label': t('c.outOfTurnFor', { number: w.number }),
                      },
                      t('c.outOfTurnShort'),
                    ),
                  ),
                ),
              )
            : h('p', { class: 'empty' }, t('c.groupEmpty')),
        ),
      ),
    ),
  ];
}

/** 超期预警: the cases accepted here that are due today or overdue. */
function caseWarnings(c: Console) {
  const cases = c.state.queue?.cases ?? [];
  if (cases.length === 0) return null;
  return h(
    'ul',
    { class: 'c-case-warnings', id: 'case-warnings', role: 'status' },
    cases.map((k) =>
      h(
        'li',
        { class: k.overdue ? 'badge badge-priority' : 'badge badge-muted' },
        t(k.overdue ? 'c.caseOverdue' : 'c.caseDueToday', { number: k.number, due: k.dueOn }),
        ' ',
        h(
          'button',
          { type: 'button', class: 'btn btn-sm', dataset: { case: k.id }, onclick: () => void c.completeCase(k.id) },
          t('c.completeCase'),
        ),
      ),
    ),
  );
}
