/** The 24-hour pre-review queue (网上预审) on the console: closest to its 24 hours first, each opened to answer. */
import type { Api } from '../../../lib/api.js';
import { fill, h } from '../../../lib/dom.js';
import { dateTime } from '../../../lib/format.js';
import { errorText, serviceName, t } from '../../../lib/i18n.js';
import type { HallView } from '../../../protocol/hall.js';
import type { PrereviewView } from '../../../protocol/hall-day.js';
import { listCard } from '../list-card.js';
import type { WorkPanel } from '../work-tabs.js';
import { answerPrereview } from './answer.js';

/** The clocks move with no event: look again each minute while the tab is open. */
const CLOCK_MS = 60_000;

export function prereviewPanel(api: Api, hall: HallView, dialogOpen: (open: boolean) => void): WorkPanel {
  const el = h('section', { class: 'card c-prereviews', hidden: true });
  let list: PrereviewView[] | null = null;
  let failed: string | null = null;
  let shown = false;

  async function load(): Promise<void> {
    try {
      list = (await api.get<{ prereviews: PrereviewView[] }>('/prereviews?status=open')).prereviews;
      failed = null;
    } catch (err) {
      failed = errorText(err);
    }
    panel.onCount?.(list?.length ?? null);
    if (shown) paint();
  }

  function paint(): void {
    fill(
      el,
      listCard({ title: 'c.pr.title', hint: 'c.pr.hint', none: 'c.pr.none' }, { items: list, failed }, (items) =>
        h('ol', { class: 'c-pr-list' }, items.map(row)),
      ),
    );
  }

  function row(r: PrereviewView): HTMLElement {
    const service = serviceName(
      hall.services.find((s) => s.id === r.serviceId),
      r.serviceId,
    );
    return h(
      'li',
      { class: `c-pr-row clock-${r.clock ?? 'ok'}`, dataset: { prereview: r.id } },
      h('span', { class: 'c-pr-ref' }, h('code', null, r.reference), h('span', { class: 'hint' }, service)),
      h('span', { class: 'c-pr-due' }, t('c.pr.due', { at: dateTime(r.dueAt) })),
      h(
        'span',
        { class: `badge c-pr-clock badge-${r.clock === 'ok' ? 'open' : r.clock === 'due-soon' ? 'paused' : 'closed'}` },
        r.clock === 'overdue'
          ? t('c.pr.overdue')
          : t('c.pr.left', { h: Math.floor(r.minutesLeft / 60), m: r.minutesLeft % 60 }),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary btn-sm c-pr-open',
          onclick: () => {
            dialogOpen(true);
            answerPrereview(api, r, service, () => dialogOpen(false), load);
          },
        },
        t('c.pr.open'),
      ),
    );
  }

  const panel: WorkPanel = {
    id: 'prereviews',
    labelKey: 'c.pr.tab',
    el,
    show() {
      shown = true;
      paint();
      void load();
    },
    event(e, isShown) {
      shown = isShown;
      if (e.type === 'prereview.submitted' || e.type === 'prereview.answered') void load();
    },
  };
  void load(); // the tab's count
  setInterval(() => shown && !el.hidden && void load(), CLOCK_MS);
  return panel;
}
