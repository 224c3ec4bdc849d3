/**
 * Number input: the on-screen pad, the ID number dialog built on it, and keys typed with no dialog open (a keyboard
 * fills the check-in field; an ID card reader's 18 characters and Enter set the ID number or check in by it).
 */
import { h, setText, toggleClass } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { groupIdNumber, idNumberOk } from '../../lib/id-number.js';
import { openDialog, type DialogHandle } from '../../lib/ui.js';
import { checkinBody, checkinReady, type KioskActions, type KioskState } from './state.js';

export function keypad(opts: { max: number; allowX: boolean; value(): string; onChange(v: string): void }) {
  const set = (v: string) => opts.onChange(v.slice(0, opts.max));
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', opts.allowX ? 'X' : '', '0', '⌫'];
  return h(
    'div',
    { class: 'keypad', role: 'group', 'aria-label': t('kiosk.keypad') },
    keys.map((k) =>
      k === ''
        ? h('span', { class: 'key key-empty' })
        : h(
            'button',
            {
              type: 'button',
              class: `key ${k === '⌫' ? 'key-back' : ''}`,
              'aria-label': k === '⌫' ? t('kiosk.backspace') : k,
              onclick: () => (k === '⌫' ? set(opts.value().slice(0, -1)) : set(opts.value() + k)),
            },
            k,
          ),
    ),
  );
}

/** Asks for an ID number, checked as the server will on `today` (the hall day); `onConfirm` gets a valid one or ''. */
export function openIdDialog(
  initial: string,
  today: string,
  onConfirm: (id: string) => void,
  onClose: () => void,
): DialogHandle {
  let value = initial;
  const display = h('output', { class: 'key-display', 'aria-live': 'polite' });
  const msg = h('p', { class: 'key-msg', role: 'alert' });
  const paint = (v: string) => {
    value = v;
    setText(display, v ? groupIdNumber(v) : t('kiosk.idPlaceholderShort'));
    toggleClass(display, 'empty', !v);
    setText(msg, v.length === 18 && !idNumberOk(v, today) ? t('kiosk.idInvalid') : '');
  };
  const pad = keypad({ max: 18, allowX: true, value: () => value, onChange: paint });
  paint(value);
  const dialog = openDialog({
    title: t('kiosk.idTitle'),
    className: 'keypad-dialog',
    body: [display, msg, pad, h('p', { class: 'hint' }, t('kiosk.idReaderHint'))],
    actions: [
      { label: t('cancel'), kind: 'ghost' },
      {
        label: t('confirm'),
        kind: 'primary',
        id: 'keypad-ok',
        onClick: () => {
          if (value && !idNumberOk(value, today)) {
            setText(msg, t('kiosk.idInvalid'));
            return false;
          }
          onConfirm(value);
        },
      },
    ],
    onClose,
  });
  // A card reader types the number and Enter, like a keyboard.
  dialog.el.addEventListener('keydown', (ev) => {
    if (/^[0-9xX]$/.test(ev.key)) {
      paint((value + ev.key.toUpperCase()).slice(0, 18));
      ev.preventDefault();
    } else if (ev.key === 'Backspace') {
      paint(value.slice(0, -1));
      ev.preventDefault();
    } else if (ev.key === 'Enter') {
      (dialog.el.querySelector('#keypad-ok') as HTMLButtonElement | null)?.click();
      ev.preventDefault();
    }
  });
  return dialog;
}

/** A reader types fast: keys further apart than this start a new number. */
const READER_GAP_MS = 1500;

export function listenForIdReader(
  state: KioskState,
  actions: KioskActions,
  dialogOpen: () => boolean,
  onReadId: (id: string) => void,
): void {
  let typed = '';
  let typedAt = 0;
  addEventListener('keydown', (ev) => {
    if (dialogOpen() || (state.screen !== 'service' && state.screen !== 'checkin')) return;
    if ((ev.target as HTMLElement)?.tagName === 'INPUT') return;
    if (state.screen === 'checkin') typeIntoCheckin(state, actions, ev.key, typed.length === 18);
    const now = Date.now();
    if (now - typedAt > READER_GAP_MS) typed = '';
    typedAt = now;
    if (/^[0-9xX]$/.test(ev.key)) typed = (typed + ev.key.toUpperCase()).slice(-18);
    else if (ev.key === 'Enter' && typed.length === 18) {
      if (state.screen === 'service') onReadId(typed);
      else actions.checkin({ idNumber: typed });
      typed = '';
    }
  });
}

/** Typed digits fill the check-in field as the on-screen keys do; Enter sends it, unless a reader's number is ending. */
function typeIntoCheckin(state: KioskState, actions: KioskActions, key: string, readerNumber: boolean): void {
  const c = state.checkin;
  if (/^[0-9xX]$/.test(key)) {
    const max = c.mode === 'code' ? 10 : 18;
    if (c.value.length < max)
      actions.typeCheckin(c.value + key.toUpperCase().replace(c.mode === 'code' ? /X/ : /$^/, ''));
  } else if (key === 'Backspace') actions.typeCheckin(c.value.slice(0, -1));
  else if (key === 'Enter' && checkinReady(c) && !readerNumber) actions.checkin(checkinBody(c));
}
