/** Keeps the `tickets` read model in step with the log, inside the same transaction as the append. */
import { unhandledEvent, type HallEvent } from '../domain/events.js';
import type { Db } from './db.js';

export class TicketProjection {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO tickets (id, day, number, service_id, first_service_id, status, priority, channel, issued_at)
         VALUES (@id, @day, @number, @serviceId, @serviceId, 'waiting', @priority, @channel, @issuedAt)`,
      ),
      called: db.prepare(
        `UPDATE tickets SET status='called', called_at=?, counter_id=?, staff_id=?, out_of_turn=? WHERE id=?`,
      ),
      status: db.prepare(`UPDATE tickets SET status=? WHERE id=?`),
      started: db.prepare(`UPDATE tickets SET status='serving', started_at=? WHERE id=?`),
      finished: db.prepare(`UPDATE tickets SET status='done', finished_at=? WHERE id=?`),
      transferred: db.prepare(
        `UPDATE tickets SET status='waiting', service_id=?, counter_id=NULL, out_of_turn=NULL WHERE id=?`,
      ),
      rated: db.prepare(`UPDATE tickets SET rating=? WHERE id=?`),
    };
  }

  apply(e: HallEvent): void {
    const s = this.stmts;
    switch (e.type) {
      case 'ticket.issued': {
        const t = e.data.ticket;
        s.insert.run({
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
        s.called.run(
          e.data.at,
          e.data.counterId,
          e.data.staffId ?? null,
          e.data.outOfTurn?.category ?? null,
          e.data.ticketId,
        );
        return;
      case 'ticket.started':
        s.started.run(e.data.at, e.data.ticketId);
        return;
      case 'ticket.finished':
        s.finished.run(e.data.at, e.data.ticketId);
        return;
      case 'ticket.no_show':
        s.status.run('no_show', e.data.ticketId);
        return;
      case 'ticket.reinstated':
        s.status.run('waiting', e.data.ticketId);
        return;
      case 'ticket.cancelled':
        s.status.run('cancelled', e.data.ticketId);
        return;
      case 'ticket.transferred':
        s.transferred.run(e.data.toServiceId, e.data.ticketId);
        return;
      case 'hall.day_started':
        for (const id of e.data.expiredTicketIds) s.status.run('expired', id);
        return;
      case 'evaluation.recorded':
        s.rated.run(e.data.score, e.data.ticketId);
        return;
      // Not about a ticket's row: listed so that a new event type must be placed here or above.
      case 'ticket.recalled':
      case 'counter.status':
      case 'appointment.created':
      case 'appointment.checked_in':
      case 'appointment.cancelled':
      case 'appointment.no_show':
      case 'hall.extended_service':
      case 'counter.takeover_requested':
      case 'ticket.slot_offered':
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
