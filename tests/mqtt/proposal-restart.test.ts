/**
 * A proposal waiting for a manager survives a restart: an emergency button fires once (a fight), and after a restart
 * nothing would propose it again. Read back from the audit log within its ten minutes; an expired one is not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { PROPOSAL_TTL_MS } from '../../server/core/proposal-book.js';
import { manualClock } from '../api/support.js';
import { connectedDevice } from '../helpers/mqtt-login.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const t = topics('yunfu-realestate');
const dataDir = mkdtempSync(join(tmpdir(), 'hallq-proposal-restart-'));
const clock = manualClock(new Date().toISOString());
let h: TestHall | undefined;
afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const proposals = async () =>
  (await h!.api('GET', '/api/v1/emergency', undefined, h!.managerToken)).body.proposals as any[];

describe('a proposal open when the hall stops', () => {
  it('is there again after the restart, and can be confirmed; one past its time is not', async () => {
    h = await startTestHall({ dataDir, clock: clock.clock });
    const button = await connectedDevice(h.running.mqttUrl, (await h.device('btn-3', 'sensor')).mqtt);
    const press = (id: string) =>
      button.publishAsync(t.deviceEvt('btn-3', 'press'), JSON.stringify({ id, button: 'emergency' }), { qos: 1 });
    await press('p1');
    const proposal = await until('proposed', async () => (await proposals()).find((p) => p.playbookId === 'fight'));
    button.end(true);
    await h.stop();

    clock.advance(2);
    h = await startTestHall({ dataDir, clock: clock.clock });
    expect(await proposals()).toEqual([proposal]);
    const confirmed = await h.api('POST', `/api/v1/emergency/proposals/${proposal.id}/confirm`, {}, h.managerToken);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.active.map((p: any) => p.playbookId)).toContain('fight');
    await h.api('POST', '/api/v1/emergency/deactivate', { playbookId: 'fight' }, h.managerToken);

    // Proposed again, and the hall stops past its ten minutes: gone.
    const again = await connectedDevice(h.running.mqttUrl, (await h.device('btn-4', 'sensor')).mqtt);
    await again.publishAsync(t.deviceEvt('btn-4', 'press'), JSON.stringify({ id: 'p2', button: 'emergency' }), {
      qos: 1,
    });
    await until('proposed again', async () => (await proposals()).length === 1);
    again.end(true);
    await h.stop();
    clock.advance(PROPOSAL_TTL_MS / 60_000 + 1);
    h = await startTestHall({ dataDir, clock: clock.clock });
    expect(await proposals()).toEqual([]);
  });
});
