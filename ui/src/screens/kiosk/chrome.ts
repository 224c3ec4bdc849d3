/** What stays around the kiosk's screens: the header (hall, elderly mode, language, clock), the playbook banner, the issuing notice. */
import type { HallView } from '../../protocol/hall.js';
import { h, setText } from '../../lib/dom.js';
import { dateTime, setTimeZone } from '../../lib/format.js';
import { getLang, onLangChange, t } from '../../lib/i18n.js';
import { brand, clock, langButton } from '../../lib/ui.js';
import type { KioskState } from './state.js';
import { bannerTexts, paintBanners } from '../../lib/banners.js';

export function kioskChrome(state: KioskState, toggleLarge: () => void) {
  const header = h(
    'header',
    { class: 'k-header' },
    h('div', { class: 'k-brand-slot' }),
    h('div', { class: 'k-header-tools' }, largeButton(state, toggleLarge), langButton('btn-lg')),
    clock(true),
  );
  const banner = h('div', { class: 'emergency-banner', role: 'alert', hidden: true });
  const notice = h('div', { class: 'k-notice', role: 'status', hidden: true });

  const paint = (v: HallView) => {
    setTimeZone(v.timezone);
    const slot = header.querySelector('.k-brand-slot')!;
    if (!slot.firstChild || slot.getAttribute('data-lang') !== getLang()) {
      slot.replaceChildren(brand(v.name, v.nameEn, getLang() === 'zh' ? v.nameEn : t('kiosk.subtitle')));
      if (getLang() === 'en') slot.querySelector('.brand-name')!.textContent = v.nameEn ?? v.name;
      slot.setAttribute('data-lang', getLang());
    }
    paintBanners(banner, bannerTexts(v.emergency));
    const closed = !v.issuing.open || v.issuing.mode === 'appointments-only';
    notice.hidden = !closed;
    if (closed) setText(notice, noticeText(v));
  };
  return { header, banner, notice, paint };
}

function noticeText(v: HallView): string {
  // Why (the playbook that set the mode, by name), then what to do.
  const why = v.emergency && v.issuing.mode !== 'normal' ? t('kiosk.notice.because', { name: v.emergency.name }) : '';
  if (v.issuing.mode === 'paused') return why + t('kiosk.notice.paused');
  if (v.issuing.mode === 'appointments-only') return why + t('kiosk.notice.appointmentsOnly');
  return v.issuing.nextOpenAt
    ? t('kiosk.notice.closedUntil', { time: dateTime(v.issuing.nextOpenAt) })
    : t('kiosk.notice.closed');
}

function largeButton(state: KioskState, toggle: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'btn btn-lg btn-large-mode', 'aria-pressed': 'false' });
  const paint = () => {
    b.textContent = state.large ? t('kiosk.standardMode') : t('kiosk.largeMode');
    b.setAttribute('aria-pressed', String(state.large));
  };
  b.addEventListener('click', () => {
    toggle();
    paint();
  });
  paint();
  onLangChange(paint);
  return b;
}
