/**
 * Tickets finished within seconds of their call: nobody walks to a window and is served that fast. A clerk who wants a
 * friend served first can call the people before and finish them at once (a no-show must wait its minute, a finish
 * cannot: a quick question answered at the window is real). The manager is shown it, per counter, with the numbers.
 */
import type { Alert } from '../../protocol/alerts.js';
import type { HallState, Ticket } from '../domain/types.js';

/** From the call to done in less than this: the holder cannot have been served. */
export const QUICK_FINISH_MS = 20_000;

export function quickFinishAlerts(state: HallState): Alert[] {
  const byCounter = new Map<string, Ticket[]>();
  for (const t of state.tickets.values()) {
    if (t.status !== 'done' || !t.counterId || t.calledAt === undefined || t.finishedAt === undefined) continue;
    if (t.finishedAt - t.calledAt >= QUICK_FINISH_MS) continue;
    const list = byCounter.get(t.counterId);
    if (list) list.push(t);
    else byCounter.set(t.counterId, [t]);
  }
  return [...byCounter].map(([counterId, tickets]): Alert => {
    tickets.sort((a, b) => a.finishedAt! - b.finishedAt!);
    return {
      kind: 'counter.quick_finishes',
      severity: 'warning',
      counterId,
      numbers: tickets.map((t) => t.number),
      message:
        `counter ${counterId} finished ${tickets.length} ticket(s) within ${QUICK_FINISH_MS / 1000} s of their ` +
        `call today: ${tickets.map((t) => t.number).join(', ')}`,
      since: new Date(tickets[0].finishedAt!).toISOString(),
    };
  });
}
