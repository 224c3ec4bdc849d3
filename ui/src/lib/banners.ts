/** Emergency banners on every screen: every active playbook's, most severe first, one line each (v2 stacked). */
import type { EmergencyView } from './hall-model.js';
import { h } from './dom.js';

/** The banner texts to show, most severe first (v1 servers send only `banner`). */
export function bannerTexts(e: EmergencyView | null | undefined): string[] {
  if (!e) return [];
  if (e.banners?.length) return e.banners.map((b) => b.text);
  return e.banner ? [e.banner] : [];
}

/** Shows the texts in `el`, one line each (hidden when there are none); returns whether any is shown. */
export function paintBanners(el: HTMLElement, texts: readonly string[]): boolean {
  const key = texts.join('\n');
  if (el.dataset.banners !== key) {
    el.dataset.banners = key;
    el.replaceChildren(
      ...texts.map((text, i) => h('div', { class: i === 0 ? 'banner-line top' : 'banner-line' }, text)),
    );
  }
  el.hidden = texts.length === 0;
  return texts.length > 0;
}
