import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../server/store/db.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';

function verifyCli(dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', dataDir], { encoding: 'utf8' });
}

describe('npm run audit:verify', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-cli-'));
    const t: TestHall = await startTestHall({ dataDir: dir });
    for (let i = 0; i < 3; i++) await t.api('POST', '/api/v1/tickets', { serviceId: 'query' }, t.managerToken);
    await t.stop();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports an intact chain with exit code 0', () => {
    const r = verifyCli(dir);
    expect(r.stdout).toMatch(/intact: \d+ entries/);
    expect(r.status).toBe(0);
  });

  it('names the first broken entry with exit code 1', () => {
    const db = new Database(join(dir, DB_FILE));
    db.exec('DROP TRIGGER events_no_update');
    const seq = db
      .prepare("SELECT seq FROM events WHERE type = 'ticket.issued' ORDER BY seq LIMIT 1 OFFSET 1")
      .pluck()
      .get() as number;
    db.prepare("UPDATE events SET actor = 'user:intruder' WHERE seq = ?").run(seq);
    db.close();
    const r = verifyCli(dir);
    expect(r.stdout).toContain(`BROKEN at entry ${seq}`);
    expect(r.status).toBe(1);
  });

  it('exits 2 when there is no database', () => {
    expect(verifyCli(join(dir, 'nothing-here')).status).toBe(2);
  });
});
