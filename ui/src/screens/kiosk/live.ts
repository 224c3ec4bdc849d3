/** Waits in words, and live numbers (waiting, wait) on the screen in use, without rebuilding it under the visitor's finger. */
import type { HallView } from '../../protocol/hall.js';
import { setText } from '../../lib/dom.js';
import { aboutMinutes } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import type { KioskState } from './state.js';

/** '约 12 分钟', or '无需等候' when nobody is waiting. */
export function etaText(s: { waiting: number; etaMinutes: number }): string {
  return s.waiting === 0 || s.etaMinutes <= 0 ? t('kiosk.noWait') : aboutMinutes(s.etaMinutes);
}

export function paintLive(main: HTMLElement, state: KioskState, v: HallView): void {
  for (const card of main.querySelectorAll<HTMLElement>('[data-service]')) {
    const s = v.services.find((x) => x.id === card.dataset.service);
    if (!s) continue;
    const w = card.querySelector('.svc-wait-n');
    const eta = card.querySelector('.svc-eta');
    if (w) setText(w, s.waiting);
    if (eta) setText(eta, etaText(s));
  }
  if (state.screen !== 'service' || !state.service) return;
  const s = v.services.find((x) => x.id === state.service!.id);
  if (!s) return;
  state.service = s;
  const w = main.querySelector('.stat-waiting');
  const eta = main.querySelector('.stat-eta');
  if (w) setText(w, s.waiting);
  if (eta) setText(eta, etaText(s));
}
