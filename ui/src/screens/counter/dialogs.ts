/** The console's questions before a command: no-show, transfer to which service, out-of-turn (ticket, category, reason), pause (reason). */
import { OUT_OF_TURN_CATEGORIES, type OutOfTurnCategory } from '../../protocol/codes.js';
import { h, setText } from '../../lib/dom.js';
import { serviceName, t } from '../../lib/i18n.js';
import { toast } from '../../lib/ui.js';
import { waitingTickets, type Console } from './state.js';

const PAUSE_REASONS = ['pause.away', 'pause.meeting', 'pause.meal', 'pause.system', 'pause.handover'];

export function confirmNoShow(c: Console): void {
  const n = c.state.queue?.current?.number ?? '';
  c.dialog({
    title: t('c.noShowTitle', { number: n }),
    tone: 'warn',
    body: h('p', null, t('c.noShowBody')),
    actions: [
      { label: t('cancel') },
      {
        label: t('c.noShow'),
        kind: 'danger',
        id: 'confirm-no-show',
        onClick: () => void c.post('no-show', {}, 'c.ok.noShow'),
      },
    ],
  });
}

export function transferDialog(c: Console): void {
  const cur = c.state.queue?.current;
  if (!cur) return;
  let chosen = '';
  const list = h(
    'div',
    { class: 'choice-list', role: 'radiogroup', 'aria-label': t('c.transferTo') },
    c.hall.services
      .filter((s) => s.id !== cur.serviceId)
      .map((s) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'transfer', value: s.id, onchange: () => (chosen = s.id) }),
          h('span', { class: 'choice-prefix' }, s.prefix),
          h('span', null, serviceName(s)),
        ),
      ),
  );
  const msg = h('p', { class: 'form-error', role: 'alert' });
  c.dialog({
    title: t('c.transferTitle', { number: cur.number }),
    body: [h('p', { class: 'hint' }, t('c.transferHint')), list, msg],
    actions: [
      { label: t('cancel') },
      {
        label: t('c.transfer'),
        kind: 'primary',
        id: 'confirm-transfer',
        onClick: async () => {
          if (!chosen) {
            setText(msg, t('c.chooseService'));
            return false;
          }
          return c.post('transfer', { serviceId: chosen }, 'c.ok.transferred');
        },
      },
    ],
  });
}

/** An out-of-turn call, the first waiting ticket chosen. */
export function outOfTurnDialog(c: Console): void {
  const first = waitingTickets(c.state)[0];
  if (first) outOfTurnFor(c, first.id);
  else toast(t('err.QUEUE_EMPTY'));
}

export function outOfTurnFor(c: Console, ticketId: string): void {
  const waiting = waitingTickets(c.state);
  const select = h(
    'select',
    { class: 'input', id: 'oot-ticket' },
    waiting.map((w, i) =>
      h(
        'option',
        { value: w.id, selected: w.id === ticketId },
        `${w.number} · ${serviceName(c.service(w.serviceId), w.serviceName)} · ${t('c.position', { n: i + 1 })}`,
      ),
    ),
  );
  let category: OutOfTurnCategory = 'other';
  const cats = h(
    'div',
    { class: 'chips', role: 'radiogroup', 'aria-label': t('c.category') },
    // `manager` says on the public board that a manager decided it: only a manager's console offers it.
    OUT_OF_TURN_CATEGORIES.filter((k) => k !== 'manager' || c.session.role === 'manager').map((k) =>
      h(
        'label',
        { class: 'chip-radio' },
        h('input', {
          type: 'radio',
          name: 'oot-cat',
          value: k,
          checked: k === category,
          onchange: () => (category = k),
        }),
        h('span', null, t(`oot.${k}`)),
      ),
    ),
  );
  const reason = h('textarea', {
    class: 'input',
    id: 'oot-reason',
    maxlength: 200,
    placeholder: t('c.reasonPlaceholder'),
  });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  c.dialog({
    title: t('c.outOfTurnTitle'),
    tone: 'warn',
    body: [
      h('p', { class: 'notice' }, t('c.outOfTurnNotice')),
      h('label', { class: 'field', for: 'oot-ticket' }, h('span', null, t('c.ticket')), select),
      h('div', { class: 'field' }, h('span', null, t('c.category')), cats),
      h('label', { class: 'field', for: 'oot-reason' }, h('span', null, t('c.reason')), reason),
      msg,
    ],
    actions: [
      { label: t('cancel') },
      {
        label: t('c.outOfTurnCall'),
        kind: 'primary',
        id: 'confirm-oot',
        onClick: async () => {
          if (!reason.value.trim()) {
            setText(msg, t('err.REASON_REQUIRED'));
            reason.focus();
            return false;
          }
          return c.post('call', { ticketId: select.value, reason: reason.value.trim(), category }, 'c.ok.called');
        },
      },
    ],
  });
}

export function pauseDialog(c: Console): void {
  const reason = h('input', { class: 'input', id: 'pause-reason', maxlength: 60, placeholder: t('c.pauseOther') });
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const chips = h(
    'div',
    { class: 'chips' },
    PAUSE_REASONS.map((k) =>
      h('button', { type: 'button', class: 'chip', onclick: () => ((reason.value = t(k)), reason.focus()) }, t(k)),
    ),
  );
  c.dialog({
    title: t('c.pauseTitle'),
    body: [
      h('p', { class: 'hint' }, t('c.pauseHint')),
      chips,
      h('label', { class: 'field', for: 'pause-reason' }, h('span', null, t('c.reason')), reason),
      msg,
    ],
    actions: [
      { label: t('cancel') },
      {
        label: t('c.pause'),
        kind: 'primary',
        id: 'confirm-pause',
        onClick: async () => {
          if (!reason.value.trim()) {
            setText(msg, t('err.REASON_REQUIRED'));
            return false;
          }
          return c.post('pause', { reason: reason.value.trim() }, 'c.ok.paused');
        },
      },
    ],
  });
}
