/**
 * `turn-near`: when a ticket with a phone comes within `policy.smsAhead` people of its turn in its service's queue,
 * its holder is texted once (key `turn-near:<ticketId>`). Read from committed events: only the queues that moved
 * (a call, a cancel, a transfer), and only their first few places, are looked at. A ticket taken that close needs no
 * text: its holder is in the hall and saw the position on the ticket.
 */
import type { CommittedEvent, EventBus } from '../../../core/event-bus.js';
import type { HallService } from '../../../core/hall-service.js';
import { indexOfWaiting } from '../../../domain/queue-index.js';

export class TurnNear {
  /** Tickets texted today, or taken already close (the outbox's unique key catches a repeat after a restart). */
  private readonly done = new Set<string>();

  constructor(private readonly hall: HallService) {}

  listen(bus: EventBus): () => void {
    // At a start, whoever is already that close was texted when the queue moved them there, or took their ticket
    // there: none needs a text now (before, the first call after a restart texted them all again, or for the first time).
    const smsAhead = this.hall.hallFile.policy.smsAhead;
    for (const queue of this.hall.state.queues.values())
      for (const t of queue.slice(0, smsAhead + 1)) this.done.add(t.id);
    return bus.on('committed', (batch) => this.check(bus, batch));
  }

  private check(bus: EventBus, batch: CommittedEvent[]): void {
    const smsAhead = this.hall.hallFile.policy.smsAhead;
    const moved = new Set<string>();
    for (const { event: e } of batch) {
      if (e.type === 'hall.day_started') this.done.clear();
      else if (e.type === 'ticket.issued') {
        const t = this.hall.state.tickets.get(e.data.ticket.id);
        if (t?.phoneSealed && indexOfWaiting(this.hall.state.queues, t) <= smsAhead) this.done.add(t.id);
      } else if (e.type === 'ticket.transferred') moved.add(e.data.fromServiceId);
      else if (e.type === 'ticket.called' || e.type === 'ticket.cancelled') {
        const t = this.hall.state.tickets.get(e.data.ticketId);
        if (t) moved.add(t.serviceId);
      }
    }
    for (const serviceId of moved) {
      const queue = this.hall.state.queues.get(serviceId) ?? [];
      for (let ahead = 0; ahead <= smsAhead && ahead < queue.length; ahead++) {
        const t = queue[ahead];
        if (!t.phoneSealed || this.done.has(t.id)) continue;
        this.done.add(t.id);
        bus.emit('sms.request', {
          to: { ticketId: t.id },
          template: 'turn-near',
          params: { number: t.number, ahead },
          key: `turn-near:${t.id}`,
        });
      }
    }
  }
}
