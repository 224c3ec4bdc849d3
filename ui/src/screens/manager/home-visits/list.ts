/** The booked home visits as the manager sees them: the address masked unless nobody is assigned; cancel one. */
import { h } from '../../../lib/dom.js';
import { errorText, serviceName, t } from '../../../lib/i18n.js';
import { toast } from '../../../lib/ui.js';
import type { HomeVisitListed } from '../../../protocol/hall-day.js';
import type { ManagerContext } from '../state.js';

export function visitTable(ctx: ManagerContext, visits: HomeVisitListed[], onChange: () => void): HTMLElement {
  if (visits.length === 0) return h('p', { class: 'empty' }, t('m.hv.none'));
  const cols = ['m.hv.date', 'm.hv.service', 'm.hv.address', 'm.hv.staff', 'm.hv.state', 'm.staff.actions'];
  return h(
    'table',
    { class: 'table', id: 'visit-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        cols.map((k) => h('th', { scope: 'col' }, t(k))),
      ),
    ),
    h(
      'tbody',
      null,
      visits.map((v) =>
        h(
          'tr',
          { dataset: { visit: v.id } },
          h('td', { class: 'num' }, v.date),
          h('td', null, serviceName(ctx.model.service(v.serviceId), v.serviceId)),
          h('td', { class: 'hv-address' }, v.address ?? v.addressMasked),
          h('td', null, v.assignedName ?? t('m.hv.anyone')),
          h(
            'td',
            null,
            h(
              'span',
              { class: `badge ${v.status === 'booked' ? 'badge-paused' : 'badge-muted'}` },
              t(`m.hv.status.${v.status}`),
            ),
          ),
          h(
            'td',
            { class: 'r' },
            v.status === 'booked'
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn-sm btn-ghost',
                    onclick: async () => {
                      try {
                        await ctx.api.post(`/home-visits/${encodeURIComponent(v.id)}/cancel`);
                        onChange();
                      } catch (err) {
                        toast(errorText(err), 'error');
                      }
                    },
                  },
                  t('m.hv.cancel'),
                )
              : null,
          ),
        ),
      ),
    ),
  );
}
