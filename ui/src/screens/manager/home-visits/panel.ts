/**
 * Home visits (上门服务, R6) on the dashboard: book one for someone who cannot come, naming who visits, and see the
 * booked ones. Only the assigned staff member reads the address in clear (on their console); every list is a read
 * on the query trail, so it loads when the tab is opened, not on every event.
 */
import { fill, h } from '../../../lib/dom.js';
import { errorText, t } from '../../../lib/i18n.js';
import type { HomeVisitListed } from '../../../protocol/hall-day.js';
import { card } from '../card.js';
import type { ManagerContext } from '../state.js';
import { bookingForm, type StaffOption } from './book.js';
import { visitTable } from './list.js';

export function homeVisitsPanel(ctx: ManagerContext, root: HTMLElement): void {
  const listBox = h('div', { class: 'm-hv-list' }, h('p', { class: 'empty' }, t('m.loading')));
  const formBox = h('div', null, h('p', { class: 'empty' }, t('m.loading')));
  const reload = () => homeVisitsPanel(ctx, root);
  fill(root, h('div', { class: 'm-grid devices' }, card(t('m.hv.title'), listBox), card(t('m.hv.new'), formBox)));
  const today = ctx.model.view?.day ?? new Date().toISOString().slice(0, 10);
  void ctx.api
    .get<{ staff: Array<StaffOption & { disabled: boolean }> }>('/staff')
    .then((r) =>
      fill(
        formBox,
        bookingForm(
          ctx,
          r.staff.filter((s) => !s.disabled),
          today,
          reload,
        ),
      ),
    )
    .catch((err) => fill(formBox, h('p', { class: 'form-error', role: 'alert' }, errorText(err))));
  void ctx.api
    .get<{ visits: HomeVisitListed[] }>('/home-visits')
    .then((r) => fill(listBox, visitTable(ctx, r.visits, reload)))
    .catch((err) => fill(listBox, h('p', { class: 'form-error', role: 'alert' }, errorText(err))));
}
