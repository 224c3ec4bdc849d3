/**
 * The visiting staff member's home visits (上门服务) on the console: their own visits and the unassigned ones, the
 * address and phone in clear only where the server gives them (the visit is theirs). Loaded only while the tab is
 * open: each load is a read of personal data, on the query trail.
 */
import type { Api } from '../../../lib/api.js';
import { fill, h } from '../../../lib/dom.js';
import { errorText, serviceName, t } from '../../../lib/i18n.js';
import { toast } from '../../../lib/ui.js';
import type { HallView } from '../../../protocol/hall.js';
import type { HomeVisitListed } from '../../../protocol/hall-day.js';
import { listCard } from '../list-card.js';
import type { WorkPanel } from '../work-tabs.js';

export function homeVisitPanel(api: Api, hall: HallView): WorkPanel {
  const el = h('section', { class: 'card c-visits', hidden: true });
  let visits: HomeVisitListed[] | null = null;
  let failed: string | null = null;

  async function load(): Promise<void> {
    try {
      visits = (await api.get<{ visits: HomeVisitListed[] }>('/home-visits')).visits;
      failed = null;
    } catch (err) {
      failed = errorText(err);
    }
    panel.onCount?.(visits?.filter((v) => v.status === 'booked').length ?? null);
    paint();
  }

  function paint(): void {
    fill(
      el,
      listCard({ title: 'c.hv.title', hint: 'c.hv.hint', none: 'c.hv.none' }, { items: visits, failed }, (list) =>
        h('ul', { class: 'c-hv-list' }, list.map(row)),
      ),
    );
  }

  function row(v: HomeVisitListed): HTMLElement {
    return h(
      'li',
      { class: `c-hv-row status-${v.status}`, dataset: { visit: v.id } },
      h('span', { class: 'c-hv-date num' }, v.date),
      h(
        'span',
        { class: 'c-hv-what' },
        h(
          'b',
          null,
          serviceName(
            hall.services.find((s) => s.id === v.serviceId),
            v.serviceId,
          ),
        ),
        h('span', { class: 'c-hv-address' }, v.address ?? v.addressMasked),
        v.phone || v.phoneMasked ? h('span', { class: 'c-hv-phone num' }, v.phone ?? v.phoneMasked) : null,
      ),
      v.status === 'booked'
        ? h(
            'button',
            { type: 'button', class: 'btn btn-primary btn-sm c-hv-done', onclick: () => void markDone(v) },
            t('c.hv.done'),
          )
        : h('span', { class: 'badge badge-muted' }, t(`c.hv.status.${v.status}`)),
    );
  }

  async function markDone(v: HomeVisitListed): Promise<void> {
    try {
      await api.post(`/home-visits/${encodeURIComponent(v.id)}/done`);
      toast(t('c.hv.doneOk'), 'ok', 2200);
    } catch (err) {
      toast(errorText(err), 'error');
    }
    await load();
  }

  const panel: WorkPanel = {
    id: 'visits',
    labelKey: 'c.hv.tab',
    el,
    show: () => void load(),
    event(e, shown) {
      if (shown && (e.type === 'homevisit.booked' || e.type === 'homevisit.closed')) void load();
    },
  };
  return panel;
}
