/**
 * A database that lost its last commits (a torn or deleted -wal while stopped) lost the chain's anchor with them and
 * verified "intact", and the hall handed out those numbers again. The head mark kept beside the database outlives
 * such a loss: the start says so loudly, reports it as the chain's finding, and hands out no number twice.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../server/store/db.js';
import { HEAD_MARK_FILE, LOST_TAIL_MARGIN, numbersAfterLoss } from '../../server/store/head-mark.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { V1 } from '../api/support.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hallq-lost-tail-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const issue = async (h: TestHall) =>
  (await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, h.managerToken)).body.ticket.number as string;

describe('a log that lost its last commits while the hall was stopped', () => {
  it('is found at the next start, reported, and its numbers are not handed out again', async () => {
    let h = await startTestHall({ dataDir });
    for (let i = 0; i < 3; i++) await issue(h);
    await h.stop();
    copyFileSync(join(dataDir, DB_FILE), join(dataDir, 'older.sqlite'));

    h = await startTestHall({ dataDir });
    const later: string[] = [];
    for (let i = 0; i < 5; i++) later.push(await issue(h));
    expect(later).toEqual(['A004', 'A005', 'A006', 'A007', 'A008']);
    await h.stop();
    expect(existsSync(join(dataDir, HEAD_MARK_FILE))).toBe(true);

    // The last commits gone: the database as it was three tickets ago, its -wal lost.
    for (const suffix of ['-wal', '-shm']) rmSync(join(dataDir, DB_FILE + suffix), { force: true });
    copyFileSync(join(dataDir, 'older.sqlite'), join(dataDir, DB_FILE));

    h = await startTestHall({ dataDir });
    try {
      // The mark was written at the clean stop after A008: the head exactly, no margin.
      expect(await issue(h)).toBe('A009');
      const health = await h.api('GET', '/healthz');
      expect(health.body.auditChain.ok).toBe(false);
      expect(health.body.auditChain.firstBroken.reason).toMatch(/ends before its head mark/);
      const alerts = await h.api('GET', `${V1}/alerts`, undefined, h.managerToken);
      expect(JSON.stringify(alerts.body)).toMatch(/ends before its head mark/);
    } finally {
      await h.stop();
    }
  }, 60_000);

  it('reserves a margin past a mark written while running: what its last second issued is unknown', () => {
    const mark = { seq: 9, hash: 'h', day: '2026-12-03', sequences: { A: 8, B: 2 }, at: 0 };
    expect(numbersAfterLoss(mark).sequences).toEqual({ A: 8 + LOST_TAIL_MARGIN, B: 2 + LOST_TAIL_MARGIN });
    expect(numbersAfterLoss({ ...mark, clean: true }).sequences).toEqual({ A: 8, B: 2 });
  });
});
