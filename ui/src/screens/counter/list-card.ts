/** A console tab's card: its title, a hint, and its list — or the load's error, "loading", or that there are none. */
import { h, type Child } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';

export function listCard<T>(
  keys: { title: string; hint: string; none: string },
  load: { items: T[] | null; failed: string | null },
  list: (items: T[]) => HTMLElement,
): Child[] {
  const { items, failed } = load;
  return [
    h('div', { class: 'card-head' }, h('h2', null, t(keys.title))),
    h('p', { class: 'hint' }, t(keys.hint)),
    failed
      ? h('p', { class: 'form-error', role: 'alert' }, failed)
      : !items
        ? h('p', { class: 'empty' }, t('c.loading'))
        : items.length === 0
          ? h('p', { class: 'empty' }, t(keys.none))
          : list(items),
  ];
}
