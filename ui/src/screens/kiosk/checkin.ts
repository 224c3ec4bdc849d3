/** Appointment check-in: by the six-digit code or by ID number, typed on the pad, a keyboard or a card reader. */
import { h, setText, toggleClass } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { groupIdNumber } from '../../lib/id-number.js';
import { keypad } from './input.js';
import { checkinReady, type CheckinMode, type KioskActions, type KioskState } from './state.js';

export function checkinView(state: KioskState, actions: KioskActions) {
  const c = state.checkin;
  const tab = (mode: CheckinMode, label: string) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: 'tab',
        'aria-selected': String(c.mode === mode),
        onclick: () => actions.setCheckinMode(mode),
      },
      label,
    );
  queueMicrotask(() => paintCheckin(state));
  return [
    h('div', { class: 'k-hero' }, h('h1', null, t('kiosk.checkin')), h('p', { class: 'lead' }, t('kiosk.checkinLead'))),
    h(
      'div',
      { class: 'k-checkin' },
      h('div', { class: 'tabs', role: 'tablist' }, tab('code', t('kiosk.byCode')), tab('id', t('kiosk.byId'))),
      h('output', { class: 'key-display big', id: 'checkin-display', 'aria-live': 'polite' }),
      keypad({
        max: c.mode === 'code' ? 10 : 18,
        allowX: c.mode === 'id',
        value: () => state.checkin.value,
        onChange: (v) => actions.typeCheckin(v),
      }),
      h('p', { class: 'hint' }, t(c.mode === 'code' ? 'kiosk.codeHint' : 'kiosk.idReaderHint')),
    ),
  ];
}

/** Shows what was typed, and lets the visitor send it once it is complete. */
export function paintCheckin(state: KioskState): void {
  const { mode, value } = state.checkin;
  const display = document.getElementById('checkin-display');
  if (display) {
    setText(
      display,
      value
        ? mode === 'code'
          ? value.split('').join(' ')
          : groupIdNumber(value)
        : t(mode === 'code' ? 'kiosk.codePlaceholder' : 'kiosk.idPlaceholderShort'),
    );
    toggleClass(display, 'empty', !value);
  }
  const ok = document.querySelector<HTMLButtonElement>('#checkin-submit');
  if (ok) ok.disabled = !checkinReady(state.checkin);
}
