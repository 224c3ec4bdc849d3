/**
 * Tickets finished or transferred away within seconds of their call: nobody walks to a window and is served that
 * fast. A clerk who wants a friend served first can call the people before and finish or transfer them at once (a
 * no-show must wait its minute; a finish and a started ticket's transfer cannot: a quick question answered at the
 * window is real). The manager is shown it, per counter, with the numbers.
 */
import type { Alert } from '../../protocol/alerts.js';
import type { HallState, Ticket } from '../domain/types.js';

/** From the call to done in less than this: the holder cannot have been served. */
export const QUICK_FINISH_MS = 20_000;

export function quickFinishAlerts(state: HallState): Alert[] {
  const byCounter = new Map<string, Ticket[]>();
  const note = (counterId: string, t: Ticket) => {
    const list = byCounter.get(counterId);
    if (list) list.push(t);
    else byCounter.set(counterId, [t]);
  };
  for (const t of state.tickets.values()) {
    if (t.status === 'done' && t.counterId && t.calledAt !== undefined && t.finishedAt !== undefined)
      if (t.finishedAt - t.calledAt < QUICK_FINISH_MS) note(t.counterId, t);
    // Transferred away as fast: the same way past the people ahead of a friend (the holder "at the window").
    const moved = t.lastTransfer;
    if (moved && moved.at - moved.calledAt < QUICK_FINISH_MS) note(moved.counterId, t);
  }
  return [...byCounter].map(([counterId, tickets]): Alert => {
    const when = (t: Ticket) => (t.lastTransfer?.counterId === counterId ? t.lastTransfer.at : t.finishedAt!);
    tickets.sort((a, b) => when(a) - when(b));
    return {
      kind: 'counter.quick_finishes',
      severity: 'warning',
      counterId,
      numbers: tickets.map((t) => t.number),
      message:
        `counter ${counterId} finished or transferred ${tickets.length} ticket(s) within ${QUICK_FINISH_MS / 1000} s ` +
        `of their call today: ${tickets.map((t) => t.number).join(', ')}`,
      since: new Date(when(tickets[0])).toISOString(),
    };
  });
}
