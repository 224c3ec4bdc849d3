/**
 * A/B posts (AB岗, R7): when a counter this staff member backs up is left with people waiting, the console asks them
 * to take over; taking over signs them in there (the console then follows them to that counter).
 */
import type { Api, StaffSession } from '../../lib/api.js';
import { h } from '../../lib/dom.js';
import { counterName, errorText, t } from '../../lib/i18n.js';
import { openDialog, toast } from '../../lib/ui.js';
import type { HallView } from '../../protocol/hall.js';
import type { StreamEvent } from '../../protocol/stream.js';

type TakeoverEvent = Extract<StreamEvent, { type: 'counter.takeover_requested' }>;

/** Shows the request if it names this staff member as a backup (and it is not their own counter). */
export function offerTakeover(
  e: TakeoverEvent,
  ctx: { api: Api; session: StaffSession; hall: HallView; myCounterId: string },
): void {
  if (!e.backupStaff?.includes(ctx.session.user.username) || e.counterId === ctx.myCounterId) return;
  const counter = ctx.hall.counters.find((c) => c.id === e.counterId);
  const name = counterName(counter, e.counterId);
  openDialog({
    title: t('c.takeover.title', { counter: name }),
    tone: 'warn',
    className: 'takeover-dialog',
    body: h('p', null, t(`c.takeover.${e.reason}`, { counter: name, n: e.waiting })),
    actions: [
      { label: t('c.takeover.later'), kind: 'ghost' },
      {
        id: 'takeover-accept',
        label: t('c.takeover.accept', { counter: name }),
        kind: 'primary',
        onClick: async () => {
          try {
            await ctx.api.post(`/counters/${encodeURIComponent(e.counterId)}/sign-in`);
            location.reload(); // the console opens on the counter the staff member is signed in at
          } catch (err) {
            toast(errorText(err), 'error');
          }
        },
      },
    ],
  });
}
