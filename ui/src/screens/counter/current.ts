/** The ticket at the counter: number, service, badges, verify code, times, recalls, and its materials to tick off. */
import { h } from '../../lib/dom.js';
import { elapsed, minutesSince, time } from '../../lib/format.js';
import { reasonText, serviceName, t } from '../../lib/i18n.js';
import { priorityBadge, status, waitingTickets, type Console } from './state.js';

const RECALL_LIMIT = 2;

export function currentView(c: Console) {
  const cur = c.state.queue?.current;
  const head = h('h2', { id: 'cur-h' }, t('c.current'));
  if (!cur) {
    const st = status(c.state);
    return [
      h('div', { class: 'card-head' }, head),
      h(
        'div',
        { class: 'c-idle' },
        h(
          'p',
          { class: 'c-idle-big' },
          st === 'paused' ? t('c.pausedNow') : st === 'closed' ? t('c.closedNow') : t('c.noCurrent'),
        ),
        h(
          'p',
          { class: 'hint' },
          st === 'open'
            ? t('c.idleHint', { n: waitingTickets(c.state).length })
            : st === 'paused'
              ? t('c.pausedHint')
              : t('c.closedHint'),
        ),
      ),
    ];
  }
  const s = c.service(cur.serviceId);
  const materials = s?.materials ?? [];
  return [
    h(
      'div',
      { class: 'card-head' },
      head,
      h('span', { class: `badge c-st c-st-${cur.status}` }, t(`status.${cur.status}`)),
      h(
        'span',
        { class: 'c-timer-wrap' },
        h('span', { class: 'c-timer-label' }, t(cur.startedAt ? 'c.elapsedServing' : 'c.elapsedCalled')),
        h('span', { class: 'c-timer num' }, elapsed(cur.startedAt ?? cur.calledAt)),
      ),
    ),
    h(
      'div',
      { class: 'c-ticket' },
      h(
        'div',
        { class: 'c-ticket-main' },
        h('div', { class: 'c-number num', id: 'current-number' }, cur.number),
        h('div', { class: 'c-service' }, serviceName(s, cur.serviceName)),
        h(
          'div',
          { class: 'c-badges' },
          cur.priority !== 'normal'
            ? h(
                'span',
                { class: priorityBadge(cur.priority) },
                t(`priority.${cur.priority}`),
                cur.priorityReason ? ` · ${reasonText(cur.priorityReason)}` : '',
              )
            : null,
          cur.outOfTurn
            ? h('span', { class: 'badge badge-oot' }, `${t('outOfTurn')} · ${t(`oot.${cur.outOfTurn.category}`)}`)
            : null,
          cur.late ? h('span', { class: 'badge badge-muted' }, t('c.late')) : null,
          // Taken with an ID: ask for the card, so a number sold on does not pass (POST /tickets/:id/check-holder).
          cur.idBound ? h('span', { class: 'badge badge-muted', title: t('c.idBoundHint') }, t('c.idBound')) : null,
        ),
      ),
      h(
        'dl',
        { class: 'c-facts' },
        fact(t('c.verifyCode'), h('span', { class: 'c-verify num', id: 'verify-code' }, cur.verifyCode ?? '—')),
        fact(t('c.issuedAt'), time(cur.issuedAt)),
        fact(
          t('c.waited'),
          t('minutes', {
            n: cur.calledAt
              ? Math.round((Date.parse(cur.calledAt) - Date.parse(cur.issuedAt)) / 60_000)
              : minutesSince(cur.issuedAt),
          }),
        ),
        fact(t('c.recalls'), `${cur.recalls} / ${RECALL_LIMIT}`),
      ),
    ),
    h(
      'div',
      { class: 'c-materials' },
      h('h3', null, t('c.materials')),
      materials.length
        ? h(
            'ol',
            null,
            materials.map((m, i) =>
              h(
                'li',
                null,
                h('label', null, h('input', { type: 'checkbox', 'aria-label': m }), h('span', null, `${i + 1}. ${m}`)),
              ),
            ),
          )
        : h('p', { class: 'hint' }, t('c.noMaterials')),
      s?.deadlineWorkdays ? h('p', { class: 'c-deadline' }, t('c.deadline', { n: s.deadlineWorkdays })) : null,
    ),
  ];
}

function fact(label: string, value: Node | string) {
  return h('div', { class: 'c-fact' }, h('dt', null, label), h('dd', null, value));
}
