/**
 * A folder that held a hall never starts as a new one: with its database missing or empty (a crash's zero-length
 * file, a clean-up while stopped) the start is refused and points to the restore, leaving the `-wal` as it is; with
 * its secret missing under a keyed log, the start is refused rather than make a new key that breaks the chain.
 */
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StartRefused } from '../../server/app/hall-server.js';
import { loadHallFile } from '../../server/config/load-hall.js';
import { log } from '../../server/log.js';
import { SECRET_FILE } from '../../server/security/hall-secret.js';
import { DB_FILE } from '../../server/store/db.js';
import { startTestHall } from '../helpers/test-hall.js';
import { V1 } from '../api/support.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder with a hall that issued one ticket, stopped cleanly. */
async function hallFolder(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-lost-files-'));
  dirs.push(dataDir);
  const h = await startTestHall({ dataDir });
  expect((await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, h.managerToken)).status).toBe(201);
  await h.stop();
  return dataDir;
}

const refusal = (dataDir: string) =>
  startTestHall({ dataDir }).then(
    async (h) => (await h.stop(), undefined),
    (err: unknown) => err,
  );

describe('a start on a folder that lost a file', () => {
  it('is refused when the database is empty, and the -wal beside it is left as it is', async () => {
    const dataDir = await hallFolder();
    truncateSync(join(dataDir, DB_FILE), 0);
    writeFileSync(join(dataDir, `${DB_FILE}-wal`), Buffer.alloc(4096, 1));
    const err = await refusal(dataDir);
    expect(err).toBeInstanceOf(StartRefused);
    expect((err as Error).message).toMatch(/hallq\.sqlite is empty.*4096-byte hallq\.sqlite-wal.*npm run restore/);
    expect(statSync(join(dataDir, DB_FILE)).size).toBe(0);
    expect(statSync(join(dataDir, `${DB_FILE}-wal`)).size).toBe(4096);
  });

  it('is refused when the database is missing', async () => {
    const dataDir = await hallFolder();
    for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) rmSync(join(dataDir, f), { force: true });
    const err = await refusal(dataDir);
    expect((err as Error).message).toMatch(/hallq\.sqlite is missing.*move hall-secret\.key away/);
    expect(existsSync(join(dataDir, DB_FILE))).toBe(false);
  });

  it('is refused when the secret is missing under a keyed log, and no new secret is made', async () => {
    const dataDir = await hallFolder();
    renameSync(join(dataDir, SECRET_FILE), join(dataDir, 'elsewhere.key'));
    const err = await refusal(dataDir);
    expect(err).toBeInstanceOf(StartRefused);
    expect((err as Error).message).toMatch(/hall-secret\.key is missing, but the database's log .* was keyed with it/);
    expect(existsSync(join(dataDir, SECRET_FILE))).toBe(false);
    // Put back, the hall starts as it was.
    renameSync(join(dataDir, 'elsewhere.key'), join(dataDir, SECRET_FILE));
    const h = await startTestHall({ dataDir });
    try {
      const next = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, h.managerToken);
      expect(next.body.ticket.number).toBe('A002');
      expect((await h.api('GET', `${V1}/audit/verify`, undefined, h.managerToken)).body.ok).toBe(true);
    } finally {
      await h.stop();
    }
  });

  it('says loudly when the folder was last started as another hall', async () => {
    const dataDir = await hallFolder();
    const file = loadHallFile();
    const errors = vi.spyOn(log, 'error');
    try {
      const other = await startTestHall({
        dataDir,
        hallFile: { ...file, hall: { ...file.hall, id: 'xinxing-realestate' } },
      });
      await other.stop();
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(/LAST STARTED AS ANOTHER HALL/), {
        before: 'yunfu-realestate',
        now: 'xinxing-realestate',
      });
    } finally {
      errors.mockRestore();
    }
  });
});
