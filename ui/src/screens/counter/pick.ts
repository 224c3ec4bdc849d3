/** Choosing the counter: every counter with its state, services and who holds it; signing in binds this staff member. */
import type { HallView } from '../../protocol/hall.js';
import type { Api, StaffSession } from '../../lib/api.js';
import { h } from '../../lib/dom.js';
import { counterName, errorText, serviceName, t } from '../../lib/i18n.js';
import { toast } from '../../lib/ui.js';

/** Shows the counters in `app`; resolves with the one signed in at. */
export function pickCounter(app: HTMLElement, api: Api, hall: HallView, session: StaffSession): Promise<string> {
  return new Promise((resolve) => {
    const grid = h(
      'div',
      { class: 'pick-grid' },
      hall.counters.map((c) =>
        h(
          'button',
          {
            type: 'button',
            class: 'pick-card',
            dataset: { counter: c.id },
            onclick: async () => {
              try {
                await api.post(`/counters/${encodeURIComponent(c.id)}/sign-in`);
                resolve(c.id);
              } catch (err) {
                toast(errorText(err), 'error');
              }
            },
          },
          h('span', { class: 'pick-name' }, counterName(c)),
          h('span', { class: `badge badge-${c.status}` }, t(`counter.${c.status}`)),
          h(
            'span',
            { class: 'pick-services' },
            c.services
              .map((g) =>
                g
                  .map((id) =>
                    serviceName(
                      hall.services.find((s) => s.id === id),
                      id,
                    ),
                  )
                  .join('、'),
              )
              .join(' › '),
          ),
          h('span', { class: 'pick-staff' }, c.staffName ? t('c.heldBy', { name: c.staffName }) : t('c.free')),
        ),
      ),
    );
    app.replaceChildren(
      h(
        'main',
        { class: 'pick-page' },
        h(
          'div',
          { class: 'pick-head' },
          h('h1', null, t('c.pickTitle')),
          h('p', null, t('c.pickHint', { name: session.user.name })),
        ),
        grid,
      ),
    );
  });
}
