/**
 * The database's files deleted under the running server (a DATA_DIR "clean-up"): the real server notices within
 * seconds, writes what it holds back to disk, and stops with exit 70 for its service manager; started again, it has
 * every acknowledged ticket and goes on numbering. Before, the next start found an empty database (A001 again) or
 * one without the commits of its -wal.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
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

/** The number the kiosk is given next by `server`. */
async function nextNumber(server: SpawnedServer, kiosk: string): Promise<string> {
  const api = apiClient(server.url, 10_000);
  try {
    const r = await api<{ ticket: { number: string } }>('POST', '/api/v1/tickets', { serviceId: 'one-window' }, kiosk);
    expect(r.status).toBe(201);
    return r.body.ticket.number;
  } finally {
    api.close();
  }
}

/** The process's exit within `ms`, or 'still running'. */
const exitWithin = (s: SpawnedServer, ms: number) =>
  Promise.race([s.exited, new Promise((r) => setTimeout(() => r('still running'), ms))]);

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
    expect(first.output()).toMatch(/under the running hall: written back whole/);

    const second = await startHallProcess(dataDir);
    servers.push(second);
    expect(await nextNumber(second, kiosk)).toBe('A004');
    const api = apiClient(second.url, 10_000);
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
    const aside = readdirSync(dataDir).filter((n) => n.startsWith('hallq.sqlite.rescue-'));
    expect(aside).toHaveLength(1);
    const copy = new Database(join(dataDir, aside[0]), { readonly: true });
    expect(copy.prepare("SELECT count(*) FROM events WHERE type = 'ticket.issued'").pluck().get()).toBe(3);
    copy.close();
  });
});

describe('the -wal replaced by an older copy of itself', () => {
  it('is moved aside, not replayed over what was acknowledged since', { timeout: 60_000 }, async () => {
    const dataDir = makeTempDir('hallq-wal-stale-');
    dirs.push(dataDir);
    const first = await startHallProcess(dataDir);
    servers.push(first);
    const { kiosk } = await issueThree(first);
    const wal = join(dataDir, 'hallq.sqlite-wal');
    copyFileSync(wal, `${wal}.copy`);
    const api = apiClient(first.url, 10_000);
    for (let i = 0; i < 3; i++)
      expect((await api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, kiosk)).status).toBe(201); // A004–A006
    api.close();
    renameSync(`${wal}.copy`, wal);
    expect(await exitWithin(first, 15_000)).toEqual({ code: 70, signal: null });
    expect(readdirSync(dataDir).some((n) => n.startsWith('hallq.sqlite-wal.stale-'))).toBe(true);

    const second = await startHallProcess(dataDir);
    servers.push(second);
    expect(await nextNumber(second, kiosk)).toBe('A007');
  });
});

describe('DATA_DIR moved away under the running server', () => {
  it('runs on, on the files it holds open, instead of restarting into an empty hall', { timeout: 60_000 }, async () => {
    const dataDir = makeTempDir('hallq-dir-moved-');
    dirs.push(dataDir);
    const server = await startHallProcess(dataDir);
    servers.push(server);
    const { kiosk } = await issueThree(server);
    renameSync(dataDir, `${dataDir}.moved`);
    dirs.push(`${dataDir}.moved`);
    expect(await exitWithin(server, 12_000)).toBe('still running');
    expect(server.output()).toMatch(/its copy cannot be written: it goes on running/);
    expect(await nextNumber(server, kiosk)).toBe('A004');
  });
});

describe.each([
  ['all three files', ['hallq.sqlite', 'hallq.sqlite-wal', 'hallq.sqlite-shm']],
  ['the -wal and -shm', ['hallq.sqlite-wal', 'hallq.sqlite-shm']],
])('%s deleted on a full disk', (_what, files) => {
  it('loses nothing: it writes the copy when it can (its reserve first), and runs on until then', async () => {
    const mountPoint = makeTempDir('hallq-full-watch-');
    dirs.push(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      return; // not root: no tmpfs to fill (the disk-full tests say so too)
    }
    const dataDir = join(mountPoint, 'data');
    const filler = join(mountPoint, 'filler');
    try {
      const first = await startHallProcess(dataDir);
      servers.push(first);
      const { kiosk } = await issueThree(first);
      fill(filler);
      for (const f of files) rmSync(join(dataDir, f), { force: true });
      const early = await exitWithin(first, 12_000);
      if (early === 'still running') {
        // No room even with its reserve: it must not stop while it holds the only copy.
        expect(first.output()).toMatch(/its copy cannot be written: it goes on running/);
        rmSync(filler);
        expect(await exitWithin(first, 15_000)).toEqual({ code: 70, signal: null });
      } else expect(early).toEqual({ code: 70, signal: null });
      rmSync(filler, { force: true });
      const second = await startHallProcess(dataDir);
      servers.push(second);
      expect(await nextNumber(second, kiosk)).toBe('A004');
      await second.stop();
    } finally {
      for (const s of servers) await s.stop();
      execFileSync('umount', ['-l', mountPoint]);
    }
  }, 90_000);
});

/** Writes `path` until the disk is full. */
function fill(path: string): void {
  const fd = openSync(path, 'a');
  try {
    for (;;) writeSync(fd, Buffer.alloc(64 * 1024, 1));
  } catch {
    /* full */
  }
  try {
    for (;;) writeSync(fd, Buffer.alloc(512, 1));
  } catch {
    /* full to the last blocks */
  } finally {
    closeSync(fd);
  }
}

describe('DATA_DIR removed and made again under the running server', () => {
  it(
    'gets the database and the hall’s keys back, and the restarted hall’s chain verifies',
    { timeout: 60_000 },
    async () => {
      const dataDir = makeTempDir('hallq-dir-remade-');
      dirs.push(dataDir);
      const first = await startHallProcess(dataDir);
      servers.push(first);
      const { kiosk } = await issueThree(first);
      const key = readFileSync(join(dataDir, 'hall-secret.key'));
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { mode: 0o700 });
      expect(await exitWithin(first, 15_000)).toEqual({ code: 70, signal: null });
      expect(readFileSync(join(dataDir, 'hall-secret.key')).equals(key)).toBe(true);
      const second = await startHallProcess(dataDir);
      servers.push(second);
      expect(await nextNumber(second, kiosk)).toBe('A004');
      const api = apiClient(second.url, 10_000);
      const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
      expect((await api<{ ok: boolean }>('GET', '/api/v1/audit/verify', undefined, manager)).body.ok).toBe(true);
      api.close();
    },
  );
});
