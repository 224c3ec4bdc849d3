/** The bar at the bottom: tips on the start screen, else back and the screen's main action (or the countdown). */
import { h } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { checkinBody, type KioskActions, type KioskState } from './state.js';

/** Seconds the number stays on screen before the kiosk goes back to the start. */
export const DONE_SECONDS = 20;

export function footerView(state: KioskState, actions: KioskActions) {
  if (state.screen === 'home') return h('p', { class: 'k-tips' }, t('kiosk.tips'));
  const back = h(
    'button',
    { type: 'button', class: 'btn btn-ghost btn-xl', onclick: () => actions.goHome() },
    '‹ ',
    t('back'),
  );
  if (state.screen === 'service')
    return [
      back,
      h(
        'button',
        { type: 'button', class: 'btn btn-primary btn-xl', id: 'take-number', onclick: () => actions.issue() },
        t('kiosk.takeNumber'),
      ),
    ];
  if (state.screen === 'checkin')
    return [
      back,
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary btn-xl',
          id: 'checkin-submit',
          disabled: true,
          onclick: () => actions.checkin(checkinBody(state.checkin)),
        },
        t('kiosk.checkinSubmit'),
      ),
    ];
  return [
    h('p', { class: 'countdown' }, h('b', { class: 'countdown-n' }, DONE_SECONDS), ' ', t('kiosk.countdown')),
    h(
      'button',
      { type: 'button', class: 'btn btn-primary btn-xl', id: 'done', onclick: () => actions.goHome() },
      t('kiosk.finish'),
    ),
  ];
}
