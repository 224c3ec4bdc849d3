/**
 * Keeps the `tickets` read model in step with the log, inside the same transaction as the append. Rows are found by
 * (day, number), the model's unique key, whose index grows at its end: the ticket id is 96 random bits, and an index
 * on it put every ticket of a group commit on a page of its own (~27 more WAL pages per batch of 17, ~20 µs of CPU and
 * ~30 µs of commit per ticket; docs/benchmarks.md).
 */
import { unhandledEvent, type HallEvent } from '../domain/events.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/** Where the live state has a ticket: its day and number, or undefined for one it no longer holds. */
export type TicketKeyOf = (ticketId: string) => { day: string; number: string } | undefined;

/** Each change to a ticket's row, as a SET clause; its parameters come first, then the row's key. */
const CHANGES = {
  called: `status='called', called_at=?, counter_id=?, staff_id=?, out_of_turn=?`,
  status: `status=?`,
  started: `status='serving', started_at=?`,
  finished: `status='done', finished_at=?, staff_id=COALESCE(?, staff_id)`,
  transferred: `status='waiting', service_id=?, counter_id=NULL, out_of_turn=NULL`,
  rated: `rating=?`,
  slotOffered: `slot_offered_at=?`,
} as const;
type Change = keyof typeof CHANGES;
type Statements = Record<Change, Statement<unknown[]>>;

export class TicketProjection {
  private readonly insert;
  private readonly byKey: Statements;
  private readonly byId: Statements;

  constructor(
    db: Db,
    private readonly keyOf: TicketKeyOf,
  ) {
    this.insert = db.prepare(
      `INSERT INTO tickets (id, day, number, service_id, first_service_id, status, priority, channel, issued_at)
       VALUES (@id, @day, @number, @serviceId, @serviceId, 'waiting', @priority, @channel, @issuedAt)`,
    );
    const statements = (where: string) =>
      Object.fromEntries(
        Object.entries(CHANGES).map(([name, set]) => [
          name,
          db.prepare<unknown[]>(`UPDATE tickets SET ${set} WHERE ${where}`),
        ]),
      ) as Statements;
    this.byKey = statements('day=? AND number=?');
    this.byId = statements('id=?');
  }

  private change(change: Change, ticketId: string, ...values: unknown[]): void {
    const key = this.keyOf(ticketId);
    if (key) this.byKey[change].run(...values, key.day, key.number);
    // Every command is about a ticket of the live day, which the state holds; this scan is only a safety net.
    else this.byId[change].run(...values, ticketId);
  }

  apply(e: HallEvent): void {
    switch (e.type) {
      case 'ticket.issued': {
        const t = e.data.ticket;
        this.insert.run({
          id: t.id,
          day: t.day,
          number: t.number,
          serviceId: t.serviceId,
          priority: t.priority,
          channel: t.channel,
          issuedAt: t.issuedAt,
        });
        return;
      }
      case 'ticket.called':
        this.change(
          'called',
          e.data.ticketId,
          e.data.at,
          e.data.counterId,
          e.data.staffId ?? null,
          e.data.outOfTurn?.category ?? null,
        );
        return;
      case 'ticket.started':
        this.change('started', e.data.ticketId, e.data.at);
        return;
      case 'ticket.finished':
        this.change('finished', e.data.ticketId, e.data.at, e.data.staffId ?? null);
        return;
      case 'ticket.slot_offered':
        this.change('slotOffered', e.data.ticketId, e.data.at);
        return;
      case 'ticket.no_show':
        this.change('status', e.data.ticketId, 'no_show');
        return;
      case 'ticket.reinstated':
        this.change('status', e.data.ticketId, 'waiting');
        return;
      case 'ticket.cancelled':
        this.change('status', e.data.ticketId, 'cancelled');
        return;
      case 'ticket.transferred':
        this.change('transferred', e.data.ticketId, e.data.toServiceId);
        return;
      case 'hall.day_started':
        for (const id of e.data.expiredTicketIds) this.change('status', id, 'expired');
        return;
      case 'evaluation.recorded':
        this.change('rated', e.data.ticketId, e.data.score);
        return;
      // Not about a ticket's row: listed so that a new event type must be placed here or above.
      case 'ticket.recalled':
      case 'counter.status':
      case 'appointment.created':
      case 'appointment.checked_in':
      case 'appointment.cancelled':
      case 'appointment.no_show':
      case 'hall.extended_service':
      case 'day.numbers_reserved':
      case 'counter.takeover_requested':
      case 'emergency.changed':
      case 'playbook.activated':
      case 'playbook.deactivated':
      case 'playbook.acknowledged':
      case 'ticket.pending_system':
      case 'ticket.caught_up':
      case 'followup.opened':
      case 'followup.answered':
      case 'device.status':
      case 'case.opened':
      case 'case.completed':
      case 'prereview.submitted':
      case 'prereview.answered':
      case 'homevisit.booked':
      case 'homevisit.closed':
      case 'hall.amended':
      case 'staff.contact_set':
        return;
      default:
        unhandledEvent(e);
    }
  }
}
