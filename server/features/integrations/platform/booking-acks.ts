/**
 * Tells the platform what became of its bookings — checked in, no-show, served — through a durable outbox: one row
 * per booking and type (so at most one of each is ever queued), sent until the platform acknowledges it with a 2xx.
 */
import type { CommittedEvent, EventBus } from '../../../core/event-bus.js';
import type { HallService } from '../../../core/hall-service.js';
import { log } from '../../../log.js';
import type { Db } from '../../../store/db.js';
import type { IntegrationHealth } from '../health.js';
import { backoffMs } from '../retry-schedule.js';
import { PLATFORM_ACTOR } from './booking-sync.js';
import type { BookingEventType, PlatformApi } from './platform-api.js';

interface OutboxRow {
  booking_id: string;
  type: BookingEventType;
  at: number;
  attempts: number;
}

/** Rows sent per round: a long backlog goes out over several rounds, each short. */
const ROUND = 200;

export class BookingAcks {
  constructor(
    private readonly hall: HallService,
    private readonly db: Db,
    private readonly api: PlatformApi,
    private readonly health: IntegrationHealth,
    private readonly isStopped: () => boolean,
  ) {}

  /** Listens for the committed events that the platform hears about; `queued` runs after each new row. */
  listen(bus: EventBus, queued: () => void): Array<() => void> {
    const bookingOfTicket = (c: CommittedEvent) => {
      const appointmentId = c.ticket?.appointmentId;
      return appointmentId ? this.hall.state.appointments.get(appointmentId)?.bookingId : undefined;
    };
    const on = (bookingId: string | undefined, type: BookingEventType, at: number) => {
      if (bookingId && this.enqueue(bookingId, type, at)) queued();
    };
    return [
      bus.on('appointment.checked_in', (c) =>
        on(this.hall.state.appointments.get(c.event.data.appointmentId)?.bookingId, 'checked-in', c.event.data.at),
      ),
      bus.on('ticket.no_show', (c) => on(bookingOfTicket(c), 'no-show', c.event.data.at)),
      bus.on('ticket.finished', (c) => on(bookingOfTicket(c), 'served', c.event.data.at)),
      // Nobody came by the end of the late window: the hall records the appointment's no-show itself.
      bus.on('appointment.no_show', (c) =>
        on(this.hall.state.appointments.get(c.event.data.appointmentId)?.bookingId, 'no-show', c.event.data.at),
      ),
    ];
  }

  /**
   * Queues from the state what the listeners may have missed: an event committed just before a power cut, whose
   * outbox row (written after the commit) never was. Rows already queued or sent are left as they are. Returns how
   * many were new.
   */
  reconcile(): number {
    let added = 0;
    const add = (bookingId: string, type: BookingEventType, at: number | undefined) => {
      if (at !== undefined && this.enqueue(bookingId, type, at)) added++;
    };
    for (const a of this.hall.state.appointments.values()) {
      if (!a.bookingId) continue;
      if (a.status === 'no_show') add(a.bookingId, 'no-show', a.slotStart);
      const t = a.ticketId ? this.hall.state.tickets.get(a.ticketId) : undefined;
      if (!t) continue;
      add(a.bookingId, 'checked-in', t.issuedAt);
      if (t.status === 'no_show') add(a.bookingId, 'no-show', t.noShowAt);
      if (t.status === 'done') add(a.bookingId, 'served', t.finishedAt);
    }
    return added;
  }

  /** Queues one event; false when that booking already has one of that type (sent or waiting). */
  enqueue(bookingId: string, type: BookingEventType, at: number): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO platform_outbox (booking_id, type, at, next_at) VALUES (?, ?, ?, ?)')
      .run(bookingId, type, at, this.hall.clock());
    return r.changes > 0;
  }

  backlog(): number {
    return this.db.prepare("SELECT count(*) FROM platform_outbox WHERE state = 'pending'").pluck().get() as number;
  }

  /**
   * Sends what is due, oldest first; stops the round at the first failure (the platform is down: wait). When the
   * platform has just answered (`platformUp`), everything waiting goes now, whatever its backoff said.
   */
  async push(platformUp = false): Promise<void> {
    const dueBy = platformUp ? Number.MAX_SAFE_INTEGER : this.hall.clock();
    const due = this.db
      .prepare(
        "SELECT booking_id, type, at, attempts FROM platform_outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, at LIMIT ?",
      )
      .all(dueBy, ROUND) as OutboxRow[];
    for (const row of due) {
      if (this.isStopped()) return;
      const out = await this.api.sendEvent(row.booking_id, row.type, row.at);
      if (out.kind === 'answered') {
        this.finish(row, 'acked');
        this.health.succeeded();
      } else if (out.kind === 'refused') {
        this.finish(row, 'dropped', out.error);
        log.warn('platform refused a booking event for good', {
          bookingId: row.booking_id,
          type: row.type,
          status: out.status,
        });
        this.hall.audit(PLATFORM_ACTOR, {
          type: 'integration.message_dropped',
          data: { system: 'platform', key: `${row.booking_id}/${row.type}`, status: out.status, reason: out.error },
        });
      } else {
        const attempts = row.attempts + 1;
        this.db
          .prepare(
            'UPDATE platform_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE booking_id = ? AND type = ?',
          )
          .run(attempts, this.hall.clock() + backoffMs(attempts), out.error, row.booking_id, row.type);
        this.health.failed(out.error);
        return;
      }
    }
  }

  private finish(row: OutboxRow, state: 'acked' | 'dropped', error?: string): void {
    this.db
      .prepare('UPDATE platform_outbox SET state = ?, done_at = ?, last_error = ? WHERE booking_id = ? AND type = ?')
      .run(state, this.hall.clock(), error ?? null, row.booking_id, row.type);
  }
}
