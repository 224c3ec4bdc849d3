/**
 * The benchmark's own parts: the start line is read from package.json (so the bench measures the server as
 * `npm start` runs it), and the lean WebSocket client reads the real live stream's frames whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommand } from '../../scripts/lib/hall-process.js';
import { LeanWsClient } from '../../scripts/bench/lean-ws-client.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

describe('startCommand', () => {
  it('reads the environment and node flags of package.json "start"', () => {
    const { env, nodeArgs } = startCommand();
    expect(env.MALLOC_ARENA_MAX).toBe('2');
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe('131072');
    expect(nodeArgs).toContain('--max-semi-space-size=4');
    expect(nodeArgs).toContain('--v8-pool-size=1');
  });

  it('parses any number of variables and flags, and refuses a line that does not start the server with node', () => {
    expect(startCommand('A=1 B_2=x node --f1 --f2=3 dist/server/main.js')).toEqual({
      env: { A: '1', B_2: 'x' },
      nodeArgs: ['--f1', '--f2=3'],
    });
    expect(startCommand('node dist/server/main.js')).toEqual({ env: {}, nodeArgs: [] });
    expect(() => startCommand('tsx server/main.ts')).toThrow(/not/);
    expect(() => startCommand('node dist/other.js')).toThrow(/not/);
  });
});

describe('LeanWsClient', () => {
  let h: TestHall;
  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('gets the snapshot and then each event as whole JSON frames, however large', async () => {
    // Enough waiting tickets that the snapshot needs a 16-bit length.
    for (let i = 0; i < 40; i++) await h.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, h.managerToken);
    const frames: any[] = [];
    const client = await LeanWsClient.open(h.url.replace(/^http/, 'ws') + '/ws', (payload) =>
      frames.push(JSON.parse(payload.toString('utf8'))),
    );
    try {
      await until('snapshot', () => frames.length >= 1);
      expect(frames[0].type).toBe('snapshot');
      const issued = await h.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, h.managerToken);
      const event = await until('issue event', () =>
        frames.find((f) => f.type === 'event' && JSON.stringify(f.event).includes(issued.body.ticket.number)),
      );
      expect(event.event.type).toBe('ticket.issued');
      expect(event.seq).toBe(frames[0].seq + 1);
    } finally {
      client.close();
    }
  });

  it('reports a refused upgrade instead of hanging', async () => {
    await expect(LeanWsClient.open(h.url.replace(/^http/, 'ws') + '/ws?token=not-a-token', () => {})).rejects.toThrow(
      /refused: HTTP\/1.1 401/,
    );
  });
});
