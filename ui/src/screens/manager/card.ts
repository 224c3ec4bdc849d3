/** A dashboard card: a titled section with an optional tool on the right of its head. */
import { h, type Child } from '../../lib/dom.js';

export function card(title: string, body: Child, extra: Child = null, cls = ''): HTMLElement {
  return h(
    'section',
    { class: `card ${cls}` },
    h('div', { class: 'card-head' }, h('h2', null, title), extra),
    h('div', { class: 'card-body' }, body),
  );
}
