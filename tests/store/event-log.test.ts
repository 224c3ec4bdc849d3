import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDbPerTest } from '../helpers/temp-db.js';
import { loadHallFile } from '../../server/config/load-hall.js';
import { EventBus } from '../../server/core/event-bus.js';
import { HallService } from '../../server/core/hall-service.js';
import * as counters from '../../server/domain/decide/counters.js';
import { issueTicket } from '../../server/domain/decide/tickets.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import { DB_FILE, openDb } from '../../server/store/db.js';
import { verifyChain } from '../../server/store/event-log.js';
import { serializeState } from '../../server/store/snapshots.js';
import { MANAGER } from '../domain/harness.js';

const hall = loadHallFile();
const tmp = tempDbPerTest('hallq-store-');
let now = Date.parse('2026-11-23T10:00:00+08:00');

function service(snapshotEvery = 500): HallService {
  const s = new HallService({
    hallFile: hall,
    db: tmp.db,
    secret: HallSecret.loadOrCreate(tmp.dir),
    bus: new EventBus(),
    alwaysOpen: true,
    clock: () => now,
    snapshotEvery,
  });
  s.rebuild();
  return s;
}

function busyDay(s: HallService, tickets: number): void {
  s.execute(MANAGER, (ctx, st) => counters.signIn(ctx, st, '1'));
  s.execute(MANAGER, (ctx, st) => counters.signIn(ctx, st, '4'));
  for (let i = 0; i < tickets; i++) {
    now += 60_000;
    s.execute(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: i % 3 ? 'one-window' : 'mortgage' }));
    if (i % 2) {
      for (const c of ['1', '4']) {
        try {
          s.execute(MANAGER, (ctx, st) => counters.callNext(ctx, st, c));
          s.execute(MANAGER, (ctx, st) => counters.start(ctx, st, c));
        } catch {
          /* queue empty or ticket in progress: part of a busy day */
        }
      }
    }
  }
}

describe('event log', () => {
  it('rebuilds the same live state from the log alone and from a checkpoint plus the tail', () => {
    const first = service(25);
    busyDay(first, 60);
    const expected = serializeState(first.state);
    const viaSnapshots = service(25);
    expect(serializeState(viaSnapshots.state)).toBe(expected);
    tmp.db.exec('DELETE FROM snapshots');
    const fromScratch = service();
    expect(serializeState(fromScratch.state)).toBe(expected);
  });

  it('chains every entry to the one before and verifies', () => {
    busyDay(service(), 10);
    const result = verifyChain(tmp.db);
    expect(result).toMatchObject({ ok: true });
    expect(result.entries).toBeGreaterThan(10);
  });

  it('refuses updates and deletes at the database level', () => {
    busyDay(service(), 2);
    expect(() => tmp.db.prepare("UPDATE events SET data = '{}' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => tmp.db.prepare('DELETE FROM events WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('names the first altered entry when someone edits the file behind the triggers', () => {
    busyDay(service(), 5);
    tmp.db.close();
    const raw = new Database(join(tmp.dir, DB_FILE));
    raw.exec('DROP TRIGGER events_no_update');
    raw
      .prepare(
        "UPDATE events SET data = replace(data, 'A002', 'A009') WHERE type = 'ticket.issued' AND data LIKE '%A002%'",
      )
      .run();
    const altered = raw.prepare("SELECT seq FROM events WHERE data LIKE '%A009%'").pluck().get() as number;
    const result = verifyChain(raw);
    raw.close();
    tmp.db = openDb(tmp.dir);
    expect(result).toMatchObject({
      ok: false,
      firstBroken: { seq: altered, reason: expect.stringContaining('altered') },
    });
  });

  it('keeps numbering across a restart and never reuses a number', () => {
    const s = service();
    busyDay(s, 4);
    const before = [...s.state.tickets.values()].map((t) => t.number);
    const again = service();
    now += 60_000;
    const d = again.execute(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window' }));
    const number = again.state.tickets.get(d.ticketId!)!.number;
    expect(before).not.toContain(number);
    expect(number).toBe(`A${String(before.filter((n) => n.startsWith('A')).length + 1).padStart(3, '0')}`);
  });

  it('starts from the newest checkpoint: a long closed history leaves almost nothing to replay', () => {
    const s = service(500);
    for (let day = 0; day < 30; day++) {
      busyDay(s, 20);
      now += 24 * 60 * 60_000;
      s.startDayIfNeeded(now);
    }
    const again = service(500);
    const rebuilt = again.rebuild();
    expect(again.state.day).toBe(s.state.day);
    expect(again.state.tickets.size).toBe(0);
    // A checkpoint is written at each day start; the log holds thousands of entries, replay touches none of them.
    expect(again.log.seq).toBeGreaterThan(1000);
    expect(rebuilt.replayed).toBe(0);
  });
});
