/**
 * Pipelined durability: a group commit is answered and fanned out only after an fsync that began after it finished;
 * answers keep commit order, also around a synchronous (FULL) commit; a failed fsync answers nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { EventBus } from '../../server/core/event-bus.js';
import { HallService } from '../../server/core/hall-service.js';
import * as counters from '../../server/domain/decide/counters.js';
import { issueTicket } from '../../server/domain/decide/tickets.js';
import { log } from '../../server/log.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import { openDb, type Db } from '../../server/store/db.js';
import { MANAGER } from '../domain/harness.js';

const hall = loadHallFile();
let dir: string;
let db: Db;
let published: string[];
/** fsyncs asked for and not yet finished: call one to finish it. */
let heldSyncs: Array<(err: NodeJS.ErrnoException | null) => void>;
let failures: Error[];

function service(): HallService {
  const bus = new EventBus();
  bus.on('committed', (events) => published.push(...events.map((e) => ('ticket' in e.event.data ? (e.event.data as any).ticket.number : e.event.type))));
  const s = new HallService({
    hall,
    db,
    secret: HallSecret.loadOrCreate(dir),
    bus,
    alwaysOpen: true,
    walSync: { fsync: (_fd, done) => void heldSyncs.push(done), onFailure: (err) => void failures.push(err) },
  });
  s.rebuild();
  s.startDayIfNeeded();
  published.length = 0;
  return s;
}

const issue = (s: HallService) => s.submit(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window' }));
const tick = () => new Promise((r) => setImmediate(r));
const issuedOnFile = () => db.prepare("SELECT count(*) FROM events WHERE type = 'ticket.issued'").pluck().get() as number;
const settledNow = async (p: Promise<unknown>) => {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  await tick();
  return settled;
};

beforeEach(() => {
  log.setLevel('silent');
  dir = mkdtempSync(join(tmpdir(), 'hallq-walsync-'));
  db = openDb(dir);
  published = [];
  heldSyncs = [];
  failures = [];
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WAL sync', () => {
  it('answers a batch only after an fsync that began after its commit, in commit order', async () => {
    const s = service();
    const a = [issue(s), issue(s)];
    await tick();
    // Batch A is in the file, synchronous is back to FULL, one fsync is running, and nobody has an answer.
    expect(issuedOnFile()).toBe(2);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(heldSyncs).toHaveLength(1);
    expect(await settledNow(a[0])).toBe(false);
    expect(published).toEqual([]);
    // Batch B is written while A's fsync runs: that fsync does not cover it.
    const b = issue(s);
    await tick();
    expect(issuedOnFile()).toBe(3);
    heldSyncs.shift()!(null);
    expect(await settledNow(Promise.all(a))).toBe(true);
    expect(published).toEqual(['A001', 'A002']);
    expect(await settledNow(b)).toBe(false);
    // The next fsync starts by itself and covers B.
    expect(heldSyncs).toHaveLength(1);
    heldSyncs.shift()!(null);
    expect(await settledNow(b)).toBe(true);
    expect(published).toEqual(['A001', 'A002', 'A003']);
  });

  it('a synchronous commit puts the waiting batches on disk too, and they go out before it', async () => {
    const s = service();
    const waiting = issue(s);
    await tick();
    expect(published).toEqual([]);
    s.execute(MANAGER, (ctx, st) => counters.signIn(ctx, st, '1'));
    expect(published).toEqual(['A001', 'counter.status']);
    expect(await settledNow(waiting)).toBe(true);
    heldSyncs.shift()?.(null); // the fsync still running finds nothing left to answer
    expect(published).toEqual(['A001', 'counter.status']);
  });

  it('answers nothing when the fsync fails', async () => {
    const s = service();
    const lost = issue(s);
    await tick();
    heldSyncs.shift()!(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    expect(failures.map((f) => f.message)).toEqual(['EIO: i/o error, fsync']);
    expect(await settledNow(lost)).toBe(false);
    expect(published).toEqual([]);
  });

  it('answers everything waiting at shutdown after one synchronous fsync', async () => {
    const s = service();
    const waiting = [issue(s), issue(s)];
    await tick();
    s.close();
    expect(await settledNow(Promise.all(waiting))).toBe(true);
    expect(published).toEqual(['A001', 'A002']);
  });
});
