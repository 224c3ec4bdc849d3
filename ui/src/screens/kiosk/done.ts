/** The visitor's number: the ticket as printed (SVG), people ahead, the wait, and a countdown back to the start. */
import type { ServiceView } from '../../protocol/hall.js';
import { h } from '../../lib/dom.js';
import { aboutMinutes } from '../../lib/format.js';
import { serviceName, t } from '../../lib/i18n.js';
import type { IssuedTicket } from './state.js';

export function doneView(tk: IssuedTicket, service: ServiceView | undefined, ticketImage: string | null) {
  return [
    h(
      'section',
      { class: 'k-done-main', 'aria-live': 'polite' },
      h('div', { class: 'ok-badge', 'aria-hidden': 'true' }, '✓'),
      h('h1', null, t('kiosk.doneTitle')),
      h('p', { class: 'k-number', 'aria-label': t('kiosk.yourNumber', { number: tk.number }) }, tk.number),
      h('p', { class: 'k-done-service' }, serviceName(service, tk.serviceName)),
      tk.priority !== 'normal' ? h('p', { class: 'badge badge-priority' }, t(`priority.${tk.priority}`)) : null,
      tk.late ? h('p', { class: 'k-late' }, t('kiosk.late')) : null,
      h(
        'div',
        { class: 'k-done-stats' },
        h(
          'div',
          { class: 'stat' },
          h('span', { class: 'stat-label' }, t('kiosk.ahead')),
          h('b', null, t('people', { n: tk.ahead ?? 0 })),
        ),
        h(
          'div',
          { class: 'stat' },
          h('span', { class: 'stat-label' }, t('kiosk.statEta')),
          h('b', null, tk.ahead ? aboutMinutes(tk.etaMinutes) : t('kiosk.soon')),
        ),
      ),
      h('p', { class: 'k-done-tip' }, t('kiosk.doneTip')),
      h('p', { class: 'k-done-qr' }, t('kiosk.doneQr')),
    ),
    h(
      'figure',
      { class: 'k-ticket' },
      ticketImage
        ? h('img', {
            src: ticketImage,
            alt: t('kiosk.ticketAlt', { number: tk.number }),
            class: 'ticket-img',
            decoding: 'async',
          })
        : h('div', { class: 'ticket-missing' }, tk.number),
      h('figcaption', null, t('kiosk.ticketCaption')),
    ),
  ];
}

/** The ticket preview is a nicety: without it in this time, the number is shown on its own. */
const PREVIEW_TIMEOUT_MS = 5000;

/**
 * The paper ticket as SVG, fetched with the kiosk's token so it carries the verify code as printed; null when it is
 * slow or unreachable.
 */
export async function fetchTicketImage(ticketId: string, token: string): Promise<Blob | null> {
  try {
    const res = await fetch(`/api/v1/tickets/${encodeURIComponent(ticketId)}/ticket.svg`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS),
      cache: 'no-store',
    });
    return res.ok ? await res.blob() : null;
  } catch {
    return null;
  }
}
