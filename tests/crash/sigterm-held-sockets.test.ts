/**
 * SIGTERM while strangers hold sockets (streams that never read nor answer the close, half-open requests, idle
 * connections, upgrades of unknown paths): the real server process still writes its final checkpoint, closes the
 * database and exits 0 at once, instead of waiting on them until it is killed.
 */
import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  login,
  BOOTSTRAP_MANAGER,
  startHallProcess,
  type SpawnedServer,
} from '../../scripts/lib/hall-process.js';
import { realHallFolder } from '../helpers/real-hall-folder.js';
import { openDb } from '../../server/store/db.js';
import { rawConnect, rawUpgrade } from '../helpers/raw-sockets.js';

let server: SpawnedServer | undefined;
const dataDir = realHallFolder('hallq-sigterm-', () => server);
const held: Socket[] = [];

afterAll(async () => {
  for (const s of held) s.destroy();
}, 30_000);

describe('SIGTERM with held sockets', () => {
  it('checkpoints, closes and exits 0 within 4 s', async () => {
    server = await startHallProcess(dataDir);
    const api = apiClient(server.url);
    const token = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password); // an event after the start's checkpoint
    api.close();
    expect(token).toBeTruthy();

    const hold = (s: Socket) => {
      s.on('error', () => undefined);
      held.push(s);
      return s;
    };
    for (let i = 0; i < 10; i++) {
      // A stream that never reads again, so it never answers the server's close either.
      const stream = await rawUpgrade(server.port, '/ws', `127.0.0.${20 + i}`);
      expect(stream.head).toMatch(/^HTTP\/1\.1 101/);
      hold(stream.socket).pause();
      hold((await rawUpgrade(server.port, '/elsewhere', `127.0.0.${20 + i}`)).socket).pause();
      hold(await rawConnect(server.port, `127.0.0.${40 + i}`)).write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      hold(await rawConnect(server.port, `127.0.0.${60 + i}`));
    }

    const sent = Date.now();
    const exit = await server.stop(10_000);
    const tookMs = Date.now() - sent;
    expect({ exit, tookUnder4s: tookMs < 4000 }, server.output()).toEqual({
      exit: { code: 0, signal: null },
      tookUnder4s: true,
    });

    const db = openDb(dataDir);
    try {
      // The final checkpoint holds everything but its own seal: the chain's last entry, naming it.
      const last = db.prepare('SELECT seq, type, data FROM events ORDER BY seq DESC LIMIT 1').get() as {
        seq: number;
        type: string;
        data: string;
      };
      const checkpoint = db.prepare('SELECT MAX(seq) AS seq FROM snapshots').get() as { seq: number };
      expect({ type: last.type, sealed: JSON.parse(last.data).seq }).toEqual({
        type: 'checkpoint.saved',
        sealed: checkpoint.seq,
      });
      expect(checkpoint.seq).toBe(last.seq - 1);
    } finally {
      db.close();
    }
  }, 60_000);
});
