/** Checkpoints wait for a quiet moment (serializing a busy day stalls requests), with the hall service's hard limit behind. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { EventBus } from '../../server/core/event-bus.js';
import { HallService } from '../../server/core/hall-service.js';
import { issueTicket } from '../../server/domain/decide/tickets.js';
import { QuietCheckpoints } from '../../server/jobs/checkpoints.js';
import { log } from '../../server/log.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import { openDb, type Db } from '../../server/store/db.js';
import { MANAGER } from '../domain/harness.js';
import { until } from '../helpers/until.js';

const hall = loadHallFile();
let dir: string;
let db: Db;
const checkpoints = () => db.prepare('SELECT seq FROM snapshots ORDER BY seq').pluck().all() as number[];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  log.setLevel('silent');
  dir = mkdtempSync(join(tmpdir(), 'hallq-checkpoint-'));
  db = openDb(dir);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(snapshotEvery?: number): HallService {
  const s = new HallService({
    hallFile: hall,
    db,
    secret: HallSecret.loadOrCreate(dir),
    bus: new EventBus(),
    alwaysOpen: true,
    snapshotEvery,
  });
  s.rebuild();
  s.startDayIfNeeded();
  return s;
}
const issue = (s: HallService) => s.execute(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window' }));

describe('quiet checkpoints', () => {
  it('writes none while commands keep coming, one soon after they stop, and none for too few events', async () => {
    const s = service();
    const before = checkpoints(); // the day start's
    // Commands every 20 ms against a 400 ms quiet period: a slow machine has room before it looks quiet.
    const job = new QuietCheckpoints(s, { minEvents: 5, quietMs: 400, everyMs: 10 });
    job.start();
    try {
      for (let i = 0; i < 20; i++) {
        issue(s);
        await sleep(20);
      }
      expect(checkpoints()).toEqual(before);
      await until('a quiet checkpoint', () => checkpoints().length > before.length, 5000);
      // The checkpoint's own chain entry (checkpoint.saved) follows it.
      expect(checkpoints()).toEqual([...before, s.log.seq - 1]);
      // Three more events: fewer than minEvents, however quiet it is.
      for (let i = 0; i < 3; i++) issue(s);
      await sleep(800);
      expect(checkpoints().at(-1)).toBe(s.log.seq - 4);
    } finally {
      job.stop();
    }
  });

  it('backs off after a failed checkpoint instead of serializing the day every second', async () => {
    const s = service();
    let attempts = 0;
    s.snapshot = () => (attempts++, false);
    const job = new QuietCheckpoints(s, { minEvents: 1, quietMs: 0, everyMs: 10 });
    issue(s);
    job.start();
    try {
      await sleep(300);
      expect(attempts).toBe(1);
    } finally {
      job.stop();
    }
  });

  it('still writes one at the hard limit when the hall is never quiet', () => {
    const s = service(10);
    const before = checkpoints().length;
    for (let i = 0; i < 10; i++) issue(s);
    expect(checkpoints().length).toBe(before + 1);
  });
});
