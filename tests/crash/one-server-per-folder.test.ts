/** One data folder, one server: a second one started on it refuses to start, and the first goes on unharmed. */
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

const dataDir = makeTempDir('hallq-one-server-');
const servers: SpawnedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  removeTempDir(dataDir);
});

describe('a second server on the same DATA_DIR', () => {
  it('refuses to start, and the running one keeps issuing numbers', { timeout: 60_000 }, async () => {
    const first = await startHallProcess(dataDir);
    servers.push(first);
    const api = apiClient(first.url, 10_000);
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    const kiosk = await deviceToken(api, manager, 'kiosk-1', 'kiosk');
    expect((await api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, kiosk)).status).toBe(201);

    const second = await startHallProcess(dataDir).catch((err: Error) => err);
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toMatch(/HallQ cannot start: .*hallq\.sqlite is in use by another process/);

    const after = await api<{ ticket: { number: string } }>(
      'POST',
      '/api/v1/tickets',
      { serviceId: 'one-window' },
      kiosk,
    );
    expect(after.status).toBe(201);
    expect(after.body.ticket.number).toBe('A002');
    api.close();

    // Once the first has stopped, the folder is free again.
    await first.stop();
    const next = await startHallProcess(dataDir);
    servers.push(next);
    expect((await fetch(`${next.url}/healthz`)).status).toBe(200);
  });
});
