/**
 * Group commit: commands submitted in the same turn of the event loop are decided in order, each against the state the
 * ones before it left, written in one transaction, and answered and fanned out only after it commits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { EventBus, type CommittedEvent } from '../../server/core/event-bus.js';
import { HallService } from '../../server/core/hall-service.js';
import type { Decision } from '../../server/domain/decide/context.js';
import { cancel, issueTicket } from '../../server/domain/decide/tickets.js';
import { streamEvent } from '../../server/core/views.js';
import { DomainError } from '../../server/domain/errors.js';
import { log } from '../../server/log.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import { openDb, type Db } from '../../server/store/db.js';
import { verifyChain } from '../../server/store/event-log.js';
import { serializeState } from '../../server/store/snapshots.js';
import { MANAGER } from '../domain/harness.js';
import { makeIdNumber } from '../helpers/id-numbers.js';

const hall = loadHallFile();
let dir: string;
let db: Db;
let bus: EventBus;
let published: CommittedEvent[][];

function service(): HallService {
  const s = new HallService({
    hallFile: hall,
    db,
    secret: HallSecret.loadOrCreate(dir),
    bus,
    alwaysOpen: true,
    clock: () => Date.parse('2026-11-23T10:00:00+08:00'),
  });
  s.rebuild();
  s.startDayIfNeeded();
  return s;
}

const issue = (s: HallService, idNumber?: string) =>
  s.submit(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window', idNumber }));
const eventCount = () => db.prepare("SELECT count(*) FROM events WHERE type = 'ticket.issued'").pluck().get() as number;

beforeEach(() => {
  log.setLevel('silent');
  dir = mkdtempSync(join(tmpdir(), 'hallq-group-'));
  db = openDb(dir);
  bus = new EventBus();
  published = [];
  bus.on('committed', (events) => published.push(events));
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('decides a tick’s commands in order against each other, in one transaction, one fan-out, then answers', async () => {
    const s = service();
    const id = makeIdNumber('19800101', 1);
    const seenInsideTheBatch: Array<{ inTransaction: boolean; issuedOnFile: number }> = [];
    const spy = (d: (ctx: any, st: any) => Decision) => (ctx: any, st: any) => {
      seenInsideTheBatch.push({ inTransaction: db.inTransaction, issuedOnFile: eventCount() });
      return d(ctx, st);
    };
    const answers = [
      s.submit(
        MANAGER,
        spy((ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window', idNumber: id })),
      ),
      // Same ID, same service, same tick: the first one's ticket is already there to refuse it.
      s.submit(
        MANAGER,
        spy((ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window', idNumber: id })),
      ),
      s.submit(
        MANAGER,
        spy((ctx, st) => issueTicket(ctx, st, { serviceId: 'mortgage' })),
      ),
    ];
    expect(published).toHaveLength(0); // nothing fans out before the commit
    const results = await Promise.allSettled(answers);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as DomainError).code).toBe('ACTIVE_TICKET_EXISTS');
    // All three were decided inside one open transaction that already held the earlier commands' rows.
    expect(seenInsideTheBatch).toEqual([
      { inTransaction: true, issuedOnFile: 0 },
      { inTransaction: true, issuedOnFile: 1 },
      { inTransaction: true, issuedOnFile: 1 },
    ]);
    expect(db.inTransaction).toBe(false);
    expect(eventCount()).toBe(2);
    expect(published).toHaveLength(1);
    expect(published[0].map((c) => (c.event.data as any).ticket.number)).toEqual(['A001', 'B001']);
    expect(verifyChain(db).ok).toBe(true);
  });

  it('takes back only the command whose write fails, and the chain stays whole', async () => {
    const s = service();
    // A write that fails inside the batch: the database refuses one ticket's event.
    db.exec(`CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON events WHEN NEW.data LIKE '%refuse-this-one%'
             BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const marked = s.submit(MANAGER, (ctx, st) =>
      issueTicket(ctx, st, { serviceId: 'one-window', priority: 'priority', priorityReason: 'refuse-this-one' }),
    );
    const results = await Promise.allSettled([issue(s), marked, issue(s)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/disk says no/);
    // The number the failed write would have had is given to the next ticket: no gap, no repeat.
    expect(
      db
        .prepare("SELECT json_extract(data, '$.ticket.number') FROM events WHERE type = 'ticket.issued' ORDER BY seq")
        .pluck()
        .all(),
    ).toEqual(['A001', 'A002']);
    expect(verifyChain(db).ok).toBe(true);
    expect(serializeState(s.state)).toBe(serializeState(service().state));
  });

  it('when the commit itself fails, refuses every command of the batch and reads the state back from the file', async () => {
    const s = service();
    await issue(s);
    // A deferred foreign key is checked at COMMIT: the whole batch fails there, after each command was applied.
    db.exec(`CREATE TABLE commit_guard (ref INTEGER REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED)`);
    db.exec(`CREATE TEMP TRIGGER fail_commit AFTER INSERT ON events WHEN NEW.type = 'ticket.issued'
             BEGIN INSERT INTO commit_guard (ref) VALUES (-1); END`);
    const before = serializeState(s.state);
    const results = await Promise.allSettled([issue(s), issue(s)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(serializeState(s.state)).toBe(before);
    expect(eventCount()).toBe(1);
    expect(published).toHaveLength(1); // only the first, committed issue was fanned out
    db.exec('DROP TRIGGER fail_commit');
    const next = await issue(s);
    expect(s.state.tickets.get(next.ticketId!)!.number).toBe('A002');
    expect(verifyChain(db).ok).toBe(true);
  });

  it('when SQLite drops the whole transaction mid-batch, no command of the batch reaches the file or the screens', async () => {
    const s = service();
    await issue(s);
    const before = serializeState(s.state);
    // RAISE(ROLLBACK) ends the transaction itself, as a full disk or an I/O error does.
    db.exec(`CREATE TEMP TRIGGER drop_all BEFORE INSERT ON events WHEN NEW.data LIKE '%drop-everything%'
             BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END`);
    const dropping = s.submit(MANAGER, (ctx, st) =>
      issueTicket(ctx, st, { serviceId: 'one-window', priority: 'priority', priorityReason: 'drop-everything' }),
    );
    const results = await Promise.allSettled([issue(s), dropping, issue(s), issue(s)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(eventCount()).toBe(1);
    expect(serializeState(s.state)).toBe(before);
    expect(published).toHaveLength(1);
    db.exec('DROP TRIGGER drop_all');
    const next = await issue(s);
    expect(s.state.tickets.get(next.ticketId!)!.number).toBe('A002');
    expect(verifyChain(db).ok).toBe(true);
  });

  it('fans out each event with its ticket as that event left it, not as the rest of the batch did', async () => {
    const s = service();
    const id = makeIdNumber('19800101', 3);
    let issued = '';
    const a = s.submit(MANAGER, (ctx, st) => {
      const d = issueTicket(ctx, st, { serviceId: 'one-window', idNumber: id });
      issued = d.ticketId!;
      return d;
    });
    const b = s.submit(MANAGER, (ctx, st) => cancel(ctx, st, issued, id));
    await Promise.all([a, b]);
    const [issuedEvent, cancelledEvent] = published[0];
    expect(issuedEvent.ticket?.status).toBe('waiting');
    expect(cancelledEvent.ticket?.status).toBe('cancelled');
    expect(streamEvent(hall, s.state, issuedEvent, 'public')).toMatchObject({
      type: 'ticket.issued',
      ticket: { number: 'A001', status: 'waiting' },
    });
    expect(streamEvent(hall, s.state, cancelledEvent, 'public')).toMatchObject({
      type: 'ticket.cancelled',
      ticket: { status: 'cancelled' },
    });
  });
});
