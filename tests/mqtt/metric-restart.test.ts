/**
 * A playbook a metric started ends after a restart too: the metric's watch is in memory, and a fresh one waited for
 * the value to rise again instead of for the release (QA: surge stayed on at 51 waiting, release below 60).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hallq-metric-restart-'));
let h: TestHall | undefined;
afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const surgeOn = async () =>
  ((await h!.api('GET', '/api/v1/emergency', undefined, h!.managerToken)).body.active as any[]).some(
    (p) => p.playbookId === 'surge',
  );

describe('a metric-started playbook across a restart', () => {
  it('ends when the metric releases after the restart', async () => {
    h = await startTestHall({ dataDir });
    const tickets: string[] = [];
    for (let i = 0; i < 81; i++)
      tickets.push((await h.api('POST', '/api/v1/tickets', { serviceId: 'consult' }, h.managerToken)).body.ticket.id);
    await until('surge', surgeOn);
    await h.stop();

    h = await startTestHall({ dataDir });
    expect(await surgeOn()).toBe(true);
    for (const id of tickets.splice(0, 21))
      expect((await h.api('POST', `/api/v1/tickets/${id}/cancel`, {}, h.managerToken)).status).toBe(200);
    await until('surge ended at 60 waiting', async () => !(await surgeOn()));
  }, 30_000);
});
