/** A service's screen: its materials (一次性告知), waiting and wait, the optional ID number and the priority reason. */
import { PRIORITY_REASONS, type PriorityReason } from '../../protocol/codes.js';
import type { ServiceView } from '../../protocol/hall.js';
import { h } from '../../lib/dom.js';
import { getLang, serviceName, t } from '../../lib/i18n.js';
import { maskIdNumber } from '../../lib/id-number.js';
import { etaText } from './live.js';
import type { KioskActions, KioskState } from './state.js';

/** Elderly mode offers only the reasons its visitors are likely to have. */
const LARGE_REASONS: readonly PriorityReason[] = ['elderly', 'disabled', 'pregnant'];

/** `age`: the visitor's, from the ID number given (null without one); `elderlyAge`: the hall's policy. */
export function serviceView(
  state: KioskState,
  s: ServiceView,
  age: number | null,
  elderlyAge: number,
  actions: KioskActions,
) {
  const materials = s.materials.length
    ? h(
        'ol',
        { class: 'k-material-list' },
        s.materials.map((m) =>
          h('li', null, h('span', { class: 'tick', 'aria-hidden': 'true' }, '✓'), h('span', null, m)),
        ),
      )
    : h('p', { class: 'k-empty' }, t('kiosk.noMaterialsLong'));
  const reasons = state.large ? LARGE_REASONS : PRIORITY_REASONS;
  return [
    h(
      'div',
      { class: 'k-service-top' },
      h(
        'div',
        { class: 'k-service-head' },
        h('span', { class: 'svc-prefix big', 'aria-hidden': 'true' }, s.prefix),
        h(
          'div',
          null,
          h('h1', null, serviceName(s)),
          getLang() === 'zh' && s.nameEn ? h('p', { class: 'en-sub', lang: 'en' }, s.nameEn) : null,
        ),
      ),
      h(
        'div',
        { class: 'k-stats' },
        stat(
          t('kiosk.statWaiting'),
          h('span', null, h('b', { class: 'stat-waiting' }, s.waiting), ' ', t('kiosk.peopleUnit')),
        ),
        stat(t('kiosk.statEta'), h('b', { class: 'stat-eta' }, etaText(s))),
        s.deadlineWorkdays
          ? stat(t('kiosk.statDeadline'), h('b', null, t('kiosk.workdays', { n: s.deadlineWorkdays })))
          : null,
      ),
    ),
    h(
      'div',
      { class: 'k-service-body' },
      h(
        'section',
        { class: 'k-panel k-materials', 'aria-labelledby': 'mat-h' },
        h('h2', { id: 'mat-h' }, t('kiosk.materialsTitle')),
        materials,
      ),
      h(
        'div',
        { class: 'k-options' },
        state.large ? null : idPanel(state, actions),
        h(
          'section',
          { class: 'k-panel k-priority', 'aria-labelledby': 'pr-h' },
          h('h2', { id: 'pr-h' }, t('kiosk.priorityTitle')),
          h(
            'p',
            { class: 'hint' },
            age !== null && age >= elderlyAge ? t('kiosk.priorityElderlyHint', { age }) : t('kiosk.priorityHint'),
          ),
          h(
            'div',
            { class: 'chips', role: 'group', 'aria-labelledby': 'pr-h' },
            reasons.map((r) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'chip',
                  'aria-pressed': String(state.reason === r),
                  onclick: () => actions.toggleReason(r),
                },
                t(`reason.${r}`),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

function idPanel(state: KioskState, actions: KioskActions) {
  return h(
    'section',
    { class: 'k-panel k-id', 'aria-labelledby': 'id-h' },
    h('h2', { id: 'id-h' }, t('kiosk.idTitle'), ' ', h('span', { class: 'optional' }, t('kiosk.optional'))),
    h(
      'button',
      { type: 'button', class: `id-field ${state.idNumber ? 'filled' : ''}`, onclick: () => actions.openKeypad() },
      state.idNumber ? maskIdNumber(state.idNumber) : t('kiosk.idPlaceholder'),
    ),
    h('p', { class: 'hint' }, t('kiosk.idHint')),
    state.idNumber
      ? h(
          'button',
          { type: 'button', class: 'btn btn-ghost btn-lg', onclick: () => actions.setId('') },
          t('kiosk.idClear'),
        )
      : null,
  );
}

function stat(label: string, value: Node) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), value);
}
