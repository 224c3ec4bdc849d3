/**
 * The tickets read model: each event about a ticket changes that ticket's row, found by (day, number) — the same
 * number on another day is another row — or, for a ticket the live state no longer holds, by its id. The upgrade to
 * the model without an id index keeps every row.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDbPerTest } from '../helpers/temp-db.js';
import type { HallEvent } from '../../server/domain/events.js';
import { migrate } from '../../server/store/db.js';
import { MIGRATIONS } from '../../server/store/migrations.js';
import { TicketProjection } from '../../server/store/ticket-projection.js';

const tmp = tempDbPerTest('hallq-projection-');

const issued = (id: string, day: string, number: string) =>
  ({
    type: 'ticket.issued',
    data: { ticket: { id, day, number, serviceId: 'one-window', priority: 'normal', channel: 'kiosk', issuedAt: 1 } },
  }) as unknown as HallEvent;
const ev = (type: string, data: Record<string, unknown>) => ({ type, data }) as unknown as HallEvent;
const rowAt = (day: string, number: string) =>
  tmp.db.prepare('SELECT * FROM tickets WHERE day = ? AND number = ?').get(day, number) as Record<string, unknown>;
const row = (id: string) => tmp.db.prepare('SELECT * FROM tickets WHERE id = ?').get(id) as Record<string, unknown>;

describe('TicketProjection', () => {
  it('changes the row of the day and number the live state gives, not the same number on another day', () => {
    const live = new Map([['t_today', { day: '2026-12-01', number: 'A001' }]]);
    const p = new TicketProjection(tmp.db, (id) => live.get(id));
    p.apply(issued('t_yesterday', '2026-11-30', 'A001'));
    p.apply(issued('t_today', '2026-12-01', 'A001'));
    // A row with today's id on another day (ids never repeat; the table no longer says so): found by its id, it
    // would change too, so only the lookup by day and number leaves it alone.
    p.apply(issued('t_today', '2026-11-29', 'A001'));
    p.apply(ev('ticket.called', { ticketId: 't_today', counterId: '3', staffId: 'u1', at: 10 }));
    expect(rowAt('2026-12-01', 'A001')).toMatchObject({
      status: 'called',
      called_at: 10,
      counter_id: '3',
      staff_id: 'u1',
    });
    p.apply(ev('ticket.started', { ticketId: 't_today', counterId: '3', at: 20 }));
    p.apply(ev('ticket.finished', { ticketId: 't_today', counterId: '3', at: 30, serviceMs: 10 }));
    p.apply(ev('evaluation.recorded', { ticketId: 't_today', score: 5 }));
    expect(rowAt('2026-12-01', 'A001')).toMatchObject({ status: 'done', started_at: 20, finished_at: 30, rating: 5 });
    expect(rowAt('2026-11-30', 'A001')).toMatchObject({ status: 'waiting', called_at: null, rating: null });
    expect(rowAt('2026-11-29', 'A001')).toMatchObject({ status: 'waiting', called_at: null, rating: null });
  });

  it('finds a ticket the live state no longer holds by its id', () => {
    const p = new TicketProjection(tmp.db, () => undefined);
    p.apply(issued('t_old', '2026-11-30', 'B007'));
    p.apply(ev('hall.day_started', { day: '2026-12-01', at: 5, expiredTicketIds: ['t_old'] }));
    expect(row('t_old')).toMatchObject({ status: 'expired' });
  });

  it('moves a transferred ticket to its new service, waiting again', () => {
    const live = new Map([['t1', { day: '2026-12-01', number: 'A002' }]]);
    const p = new TicketProjection(tmp.db, (id) => live.get(id));
    p.apply(issued('t1', '2026-12-01', 'A002'));
    p.apply(ev('ticket.called', { ticketId: 't1', counterId: '1', at: 10, outOfTurn: { category: 'elderly' } }));
    p.apply(ev('ticket.transferred', { ticketId: 't1', toServiceId: 'tax', at: 11 }));
    expect(row('t1')).toMatchObject({ status: 'waiting', service_id: 'tax', first_service_id: 'one-window' });
    expect(row('t1')).toMatchObject({ counter_id: null, out_of_turn: null });
  });
});

describe('the upgrade to the read model without an id index', () => {
  it('keeps every row and leaves only the (day, number) index', () => {
    const file = join(tmp.dir, 'old.sqlite');
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)').run(m.version);
    }
    const insert = old.prepare(
      `INSERT INTO tickets (id, day, number, service_id, first_service_id, status, priority, issued_at, rating)
       VALUES (?, ?, ?, 's', 's', 'done', 'normal', ?, ?)`,
    );
    for (let i = 0; i < 50; i++) insert.run(`t_${i}`, `2026-11-${10 + (i % 5)}`, `A${i}`, i, i % 6);
    const before = old.prepare('SELECT * FROM tickets ORDER BY id').all();
    migrate(old);
    // Every row as it was (migration 5 adds a column, empty for the rows already there).
    expect(old.prepare('SELECT * FROM tickets ORDER BY id').all()).toEqual(
      before.map((r) => ({ ...(r as object), slot_offered_at: null })),
    );
    const indexes = old.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'").pluck();
    expect(indexes.all()).toEqual(['sqlite_autoindex_tickets_1']);
    const plan = old.prepare("EXPLAIN QUERY PLAN UPDATE tickets SET status = 'x' WHERE day = ? AND number = ?");
    expect(JSON.stringify(plan.all('2026-11-10', 'A0'))).toContain('sqlite_autoindex_tickets_1');
    old.close();
  });
});
