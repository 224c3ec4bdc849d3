/** The kiosk's start screen: one card per service (waiting, wait) and the appointment check-in. */
import type { ServiceView } from '../../protocol/hall.js';
import { h } from '../../lib/dom.js';
import { serviceName, t } from '../../lib/i18n.js';
import { etaText } from './live.js';
import type { KioskActions, KioskState } from './state.js';

export function homeView(state: KioskState, services: ServiceView[], actions: KioskActions) {
  const cards = services.map((s) =>
    h(
      'button',
      { type: 'button', class: 'svc-card', dataset: { service: s.id }, onclick: () => actions.openService(s.id) },
      h('span', { class: 'svc-prefix', 'aria-hidden': 'true' }, s.prefix),
      h(
        'span',
        { class: 'svc-body' },
        h('span', { class: 'svc-name' }, state.large ? serviceName(s).replace(/（[^）]*）/g, '') : serviceName(s)),
        state.large
          ? null
          : h(
              'span',
              { class: 'svc-materials' },
              s.materials.length ? t('kiosk.materialsCount', { n: s.materials.length }) : t('kiosk.noMaterials'),
            ),
        state.large || !s.materials.length ? null : h('span', { class: 'svc-preview' }, s.materials.join('、')),
      ),
      h(
        'span',
        { class: 'svc-meta' },
        h(
          'span',
          { class: 'svc-wait' },
          h('b', { class: 'svc-wait-n' }, s.waiting),
          h('span', null, t('kiosk.waitingSuffix')),
        ),
        h('span', { class: 'svc-eta' }, etaText(s)),
      ),
    ),
  );
  return [
    h(
      'div',
      { class: 'k-hero' },
      h('h1', null, t('kiosk.chooseService')),
      h('p', { class: 'lead' }, t('kiosk.chooseHint')),
    ),
    h('div', { class: 'k-services' }, cards),
    h(
      'div',
      { class: 'k-actions' },
      h(
        'button',
        { type: 'button', class: 'action-card', onclick: () => actions.openCheckin() },
        h('span', { class: 'action-icon', 'aria-hidden': 'true' }, calendarIcon()),
        h('span', { class: 'action-text' }, h('b', null, t('kiosk.checkin')), h('span', null, t('kiosk.checkinHint'))),
      ),
      // The case look-up is its own public page; the kiosk's token stays in this tab's session for the way back.
      h(
        'a',
        { class: 'action-card', id: 'case-lookup', href: '/case?from=kiosk' },
        h(
          'span',
          { class: 'action-text' },
          h('b', null, t('kiosk.caseLookup')),
          h('span', null, t('kiosk.caseLookupHint')),
        ),
      ),
    ),
  ];
}

function calendarIcon(): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const s = document.createElementNS(ns, 'svg');
  s.setAttribute('viewBox', '0 0 48 48');
  s.setAttribute('width', '56');
  s.setAttribute('height', '56');
  s.innerHTML =
    '<rect x="6" y="10" width="36" height="32" rx="5" fill="none" stroke="currentColor" stroke-width="3.5"/>' +
    '<path d="M6 19h36M16 6v8M32 6v8" stroke="currentColor" stroke-width="3.5" stroke-linecap="round"/>' +
    '<path d="M17 30l5 5 9-10" fill="none" stroke="currentColor" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>';
  return s as unknown as SVGElement;
}
