/** DATA_DIR is owner-only (0700, files 0600), also when it existed before; the first-start password is never logged. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHallServer, type RunningHall } from '../../server/app/hall-server.js';
import { readEnv } from '../../server/config/env.js';
import { log } from '../../server/log.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const roots: string[] = [];
let running: RunningHall | undefined;

async function start(dataDir: string, env: Record<string, string> = { HALLQ_BOOTSTRAP_MANAGER: 'boss:boss-password' }) {
  log.setLevel('silent');
  running = await startHallServer(
    readEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MQTT_PORT: '0', LOG_LEVEL: 'silent', ...env }),
  );
  return running;
}

function newRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'hallq-modes-'));
  roots.push(root);
  return root;
}

afterEach(async () => {
  await running?.stop();
  running = undefined;
  vi.restoreAllMocks();
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('data folder modes', () => {
  it('creates the folder 0700 and the database, its WAL and the secrets 0600, whatever the umask', async () => {
    const dataDir = join(newRoot(), 'data');
    const before = process.umask(0o022);
    try {
      const hall = await start(dataDir);
      hall.db.prepare('SELECT 1').get();
    } finally {
      process.umask(before);
    }
    expect(mode(dataDir)).toBe('700');
    for (const f of ['hallq.sqlite', 'hallq.sqlite-wal', 'hallq.sqlite-shm', 'hall-secret.key', 'mqtt-server.secret'])
      expect([f, mode(join(dataDir, f))]).toEqual([f, '600']);
  });

  it('puts an existing folder made 0755 with 0644 files right at start', async () => {
    const dataDir = join(newRoot(), 'data');
    await start(dataDir);
    await running!.stop();
    chmodSync(dataDir, 0o755);
    for (const f of ['hallq.sqlite', 'hall-secret.key', 'mqtt-server.secret']) chmodSync(join(dataDir, f), 0o644);
    writeFileSync(join(dataDir, 'first-login.txt'), 'old\n', { mode: 0o644 });
    await start(dataDir);
    expect(mode(dataDir)).toBe('700');
    for (const f of ['hallq.sqlite', 'hall-secret.key', 'mqtt-server.secret', 'first-login.txt'])
      expect([f, mode(join(dataDir, f))]).toEqual([f, '600']);
  });

  it('lets an external broker’s group pass through to its files (0710), nothing more', async () => {
    const dataDir = join(newRoot(), 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    const { secureDataDir, BROKER_PASSABLE_DIR } = await import('../../server/store/data-dir.js');
    secureDataDir(dataDir, BROKER_PASSABLE_DIR);
    expect(mode(dataDir)).toBe('710');
  });
});

describe('first start without a bootstrap manager', () => {
  it('writes the generated password to an owner-only file and prints only where it is', async () => {
    const dataDir = join(newRoot(), 'data');
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      printed.push(String(chunk));
      return true;
    });
    await start(dataDir, {});
    vi.restoreAllMocks();
    const file = join(dataDir, 'first-login.txt');
    expect(mode(file)).toBe('600');
    const password = /password: (\S+)/.exec(readFileSync(file, 'utf8'))![1];
    expect(password.length).toBeGreaterThanOrEqual(12);
    const out = printed.join('');
    expect(out).toContain(file);
    expect(out).not.toContain(password);
  });
});
