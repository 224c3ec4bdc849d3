/**
 * The benchmark's own parts: the start line is read from package.json (so the bench measures the server as
 * `npm start` runs it), and the lean WebSocket client reads the real live stream's frames whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommand } from '../../scripts/lib/hall-process.js';
import { LeanWsClient } from '../../scripts/bench/lean-ws-client.js';
import { areaOf, placeOf, selfTimes, sliceProfile } from '../../scripts/bench/cpu-profile-summary.js';
import { atLeast, atMost, median, verdict } from '../../scripts/bench/stats.js';
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
    expect(startCommand('A=1 B_2=x node --f1 --f2=3 dist/bundle/main.js')).toEqual({
      env: { A: '1', B_2: 'x' },
      nodeArgs: ['--f1', '--f2=3'],
    });
    expect(startCommand('node dist/bundle/main.js')).toEqual({ env: {}, nodeArgs: [] });
    expect(() => startCommand('tsx server/main.ts')).toThrow(/not/);
    expect(() => startCommand('node dist/other.js')).toThrow(/not/);
  });
});

describe('stats', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('says met or NOT met as each target reads: under, at most, at least', () => {
    expect([verdict(3, 3), atMost(3, 3), atMost(3.01, 3)]).toEqual(['NOT met', 'met', 'NOT met']);
    expect([atLeast(0.5, 0.5), atLeast(0.49, 0.5), atLeast(undefined, 0.5)]).toEqual(['met', 'NOT met', 'unknown']);
  });
});

describe('cpu-profile-summary', () => {
  it('sums each sample’s time into its function and its file or package', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(idle)', '') },
        { id: 2, callFrame: frame('append', 'file:///x/dist/server/store/event-log.js') },
        { id: 3, callFrame: frame('run', 'file:///x/node_modules/better-sqlite3/lib/methods/transaction.js') },
      ],
      samples: [1, 2, 3, 2, 1],
      timeDeltas: [1000, 2000, 3000, 4000, 5000],
    };
    const s = selfTimes(profile);
    expect(s.totalMs).toBe(15);
    expect(s.byPlace.get('(idle)')).toBe(6);
    expect(s.byPlace.get('server/store/event-log.js')).toBe(6);
    expect(s.byPlace.get('better-sqlite3')).toBe(3);
    expect(s.byFunction.get('append server/store/event-log.js:10')).toBe(6);
    expect(placeOf('node:internal/crypto/hash', 'Hmac')).toBe('node:internal/crypto/hash');
  });

  it('cuts a profile to the samples taken between two instants of the monotonic clock', () => {
    const frame = (functionName: string) => ({ functionName, url: '', lineNumber: 0 });
    const profile = {
      startTime: 1_000,
      nodes: [1, 2, 3].map((id) => ({ id, callFrame: frame(`(f${id})`) })),
      // Taken at 1,100, 1,300, 1,600 and 2,000 µs.
      samples: [1, 2, 3, 1],
      timeDeltas: [100, 200, 300, 400],
    };
    const cut = sliceProfile(profile, 1_200, 1_600);
    expect(cut.samples).toEqual([2, 3]);
    expect(selfTimes(cut).totalMs).toBe(0.5);
    expect(sliceProfile(profile, 2_001, 3_000).samples).toEqual([]);
    expect(() => sliceProfile({ ...profile, startTime: undefined }, 0, 1)).toThrow(/startTime/);
  });

  it('places a native by its caller: the commit, a log line, an answer, an insert', () => {
    const f = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
    const tx = f('sqliteTransaction', 'file:///x/node_modules/better-sqlite3/lib/methods/transaction.js');
    const flush = f('flush', 'file:///x/dist/server/core/hall-service.js');
    expect(areaOf([f('run'), tx, flush])).toBe('SQLite commit (BEGIN/COMMIT, fsync)');
    // The native calls inside better-sqlite3's wrapper are often its own self time: the same commit.
    expect(areaOf([tx, flush])).toBe('SQLite commit (BEGIN/COMMIT, fsync)');
    expect(areaOf([f('run'), f('append', 'file:///x/dist/server/store/event-log.js'), tx])).toBe(
      'SQLite statements (inserts, updates)',
    );
    const socketWrite = f('writeGeneric', 'node:internal/stream_base_commons');
    expect(areaOf([f('writeUtf8String'), socketWrite, f('flushHeld', 'file:///x/dist/server/log.js')])).toBe(
      'log lines (write to stdout)',
    );
    expect(areaOf([f('writev'), socketWrite])).toBe('socket writes');
    expect(areaOf([f('(garbage collector)')])).toBe('garbage collection');
    expect(areaOf([f('hallMetrics', 'file:///x/dist/server/features/playbooks/triggers.js')])).toBe(
      'features and MQTT (retained state, broker, playbooks)',
    );
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
