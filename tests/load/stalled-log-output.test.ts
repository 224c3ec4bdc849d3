/**
 * A log reader that stops (a stalled journal, a full pipe) while someone floods the hall with requests: Node queues
 * in memory whatever the pipe does not take, so each request's line would be held for good. The real server keeps
 * answering, holds about a megabyte of lines, drops the rest and says how many once the reader is back.
 */
import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sleep, startHallProcess, type SpawnedServer } from '../../scripts/lib/hall-process.js';
import { realHallFolder } from '../helpers/real-hall-folder.js';

let server: SpawnedServer | undefined;
const dataDir = realHallFolder('hallq-stalled-log-', () => server);

/** Sends `count` GETs over `parallel` keep-alive connections; resolves with the status of each answer. */
async function flood(url: string, count: number, parallel: number): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: parallel });
  const statuses = new Map<number, number>();
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { agent }, (res) => {
        statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (sent < count) {
        sent++;
        await one();
      }
    }),
  );
  agent.destroy();
  return statuses;
}

describe('a stalled log reader', () => {
  it('costs the hall a bounded queue of lines, not its answers', async () => {
    server = await startHallProcess(dataDir, { env: { LOG_LEVEL: 'info' } });
    const stdout = server.child.stdout!;
    // The reader stops: the pipe fills (64 KB), then the server's own queue.
    stdout.removeAllListeners('data');
    stdout.pause();

    const requests = 15_000; // a request line is ~160 bytes: ~2.4 MB of lines, twice the bound
    const statuses = await flood(`${server.url}/api/v1/tickets`, requests, 20);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(requests);
    expect([...statuses.keys()]).toEqual([401]);

    // The reader is back: what was queued arrives, then the count of what was not.
    let taken = 0;
    stdout.on('data', (chunk: Buffer) => (taken += chunk.length));
    stdout.resume();
    let warning: { lines: number } | undefined;
    for (let waited = 0; waited < 10_000 && !warning; waited += 100) {
      await sleep(100);
      const line = server
        .output()
        .split('\n')
        .find((l) => l.includes('log lines dropped'));
      if (line) warning = JSON.parse(line);
    }
    expect(warning, server.output()).toBeDefined();
    expect(warning!.lines).toBeGreaterThan(requests / 3);
    // About a megabyte queued in the server, plus what the pipe itself held.
    expect(taken).toBeLessThan(1.3 * 1024 * 1024);
    expect(taken).toBeGreaterThan(0.9 * 1024 * 1024);
  }, 120_000);
});
