/**
 * The database's files deleted under the running server (a DATA_DIR "clean-up"): the real server notices within
 * seconds, writes what it holds back to disk, and stops with exit 70 for its service manager; started again, it has
 * every acknowledged ticket and goes on numbering. Before, the next start found an empty database (A001 again) or
 * one without the commits of its -wal.
 */
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  deviceToken,
  login,
  makeTempDir,
  removeTempDir,
  startHallProcess,
  type SpawnedServer,
} from '../../scripts/lib/hall-process.js';

const servers: SpawnedServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  for (const d of dirs) removeTempDir(d);
});

async function issueThree(server: SpawnedServer): Promise<{ kiosk: string; numbers: string[] }> {
  const api = apiClient(server.url, 10_000);
  const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
  const kiosk = await deviceToken(api, manager, 'kiosk-1', 'kiosk');
  const numbers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await api<{ ticket: { number: string } }>('POST', '/api/v1/tickets', { serviceId: 'one-window' }, kiosk);
    expect(r.status).toBe(201);
    numbers.push(r.body.ticket.number);
  }
  api.close();
  return { kiosk, numbers };
}

describe.each([
  ['the database file', ['hallq.sqlite']],
  ['the -wal and -shm files', ['hallq.sqlite-wal', 'hallq.sqlite-shm']],
  ['all three', ['hallq.sqlite', 'hallq.sqlite-wal', 'hallq.sqlite-shm']],
])('%s deleted under the running server', (_what, files) => {
  it('is written back, the server restarts on it, and the numbers go on', { timeout: 60_000 }, async () => {
    const dataDir = makeTempDir('hallq-db-deleted-');
    dirs.push(dataDir);
    const first = await startHallProcess(dataDir);
    servers.push(first);
    const { kiosk, numbers } = await issueThree(first);
    expect(numbers).toEqual(['A001', 'A002', 'A003']);

    for (const f of files) rmSync(join(dataDir, f), { force: true });
    const exit = await Promise.race([first.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(exit).toEqual({ code: 70, signal: null });
    expect(first.output()).toMatch(/deleted under the running hall/);

    const second = await startHallProcess(dataDir);
    servers.push(second);
    const api = apiClient(second.url, 10_000);
    const next = await api<{ ticket: { number: string } }>(
      'POST',
      '/api/v1/tickets',
      { serviceId: 'one-window' },
      kiosk,
    );
    expect(next.status).toBe(201);
    expect(next.body.ticket.number).toBe('A004');
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    const verify = await api<{ ok: boolean }>('GET', '/api/v1/audit/verify', undefined, manager);
    expect(verify.body.ok).toBe(true);
    api.close();
  });
});

describe('the database file replaced under the running server', () => {
  it('is not written over: the hall puts its own copy beside it and stops', { timeout: 60_000 }, async () => {
    const dataDir = makeTempDir('hallq-db-replaced-');
    dirs.push(dataDir);
    const server = await startHallProcess(dataDir);
    servers.push(server);
    await issueThree(server);
    const db = join(dataDir, 'hallq.sqlite');
    renameSync(db, `${db}.old`);
    writeFileSync(db, 'someone else’s file');
    const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(exit).toEqual({ code: 70, signal: null });
    expect(readFileSync(db, 'utf8')).toBe('someone else’s file');
    const aside = readdirSync(dataDir).filter((n) => n.startsWith('hallq.sqlite.running-'));
    expect(aside).toHaveLength(1);
    const copy = new Database(join(dataDir, aside[0]), { readonly: true });
    expect(copy.prepare("SELECT count(*) FROM events WHERE type = 'ticket.issued'").pluck().get()).toBe(3);
    copy.close();
  });
});
