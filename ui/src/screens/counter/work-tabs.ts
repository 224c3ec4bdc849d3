/**
 * The console's right column as tabs: this counter's queue, and beside it the day's other work — the 24-hour
 * pre-review queue (网上预审) and the staff member's home visits (上门服务). Each panel loads when shown and follows
 * the stream's events; a tab's count comes from its panel.
 */
import { h, setText } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import type { StreamEvent } from '../../protocol/stream.js';

export interface WorkPanel {
  id: string;
  labelKey: string;
  el: HTMLElement;
  /** The tab was opened: load and paint. */
  show(): void;
  /** An event from the console's stream; `shown` says whether the panel is in view. */
  event(e: StreamEvent, shown: boolean): void;
  /** Set by the tabs: the panel reports its count for the tab's badge (null: none). */
  onCount?: (n: number | null) => void;
}

export function workTabs(queueBox: HTMLElement, panels: WorkPanel[]) {
  const all = [{ id: 'queue', labelKey: 'c.tab.queue', el: queueBox }, ...panels];
  let current = 'queue';
  const counts = new Map<string, HTMLElement>();
  const tabs = all.map((p) => {
    const count = h('span', { class: 'c-tab-count', hidden: true });
    counts.set(p.id, count);
    return h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${p.id}`,
        class: 'c-tab',
        'aria-controls': `panel-${p.id}`,
        onclick: () => select(p.id),
      },
      h('span', { class: 'c-tab-label' }, t(p.labelKey)),
      count,
    );
  });
  for (const p of all) {
    p.el.id ||= `panel-${p.id}`;
    p.el.setAttribute('role', 'tabpanel');
    p.el.setAttribute('aria-labelledby', `tab-${p.id}`);
  }
  for (const p of panels)
    p.onCount = (n) => {
      const el = counts.get(p.id)!;
      el.hidden = !n;
      setText(el, n ?? '');
    };

  function select(id: string): void {
    current = id;
    all.forEach((p, i) => {
      const on = p.id === id;
      tabs[i].setAttribute('aria-selected', String(on));
      tabs[i].tabIndex = on ? 0 : -1;
      p.el.hidden = !on;
    });
    panels.find((p) => p.id === id)?.show();
  }

  const list = h('div', { class: 'c-tabs', role: 'tablist', 'aria-label': t('c.tabs') }, tabs);
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  list.addEventListener('keydown', (ev) => {
    const i = all.findIndex((p) => p.id === current);
    const step = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    ev.preventDefault();
    const next = all[(i + step + all.length) % all.length];
    select(next.id);
    tabs[all.indexOf(next)].focus();
  });
  select('queue');
  return {
    el: h('div', { class: 'c-work' }, list, ...all.map((p) => p.el)),
    event(e: StreamEvent): void {
      for (const p of panels) p.event(e, current === p.id);
    },
  };
}
