/**
 * The registration system's probe against an msw stand-in: failing for REGISTRATION_FAILURE_MINUTES is an outage on
 * the bus (the network-outage playbook's trigger); a shorter failure is not; the first success after it, recovery.
 */
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvents } from '../../server/core/event-bus.js';
import type { RegistrationProbe } from '../../server/features/integrations/index.js';
import type { AutomaticTriggers } from '../../server/features/playbooks/automatic-triggers.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { manualClock, MONDAY_10, V1 } from '../api/support.js';

const PROBE_URL = 'http://registration.test/bdc/health?from=hallq';
let answer: 'ok' | 'wrong-status' | 'down' | 'slow' = 'ok';
const server = setupServer(
  http.get('http://registration.test/bdc/health', async ({ request }) => {
    expect(new URL(request.url).searchParams.get('from')).toBe('hallq');
    if (answer === 'down') return HttpResponse.error();
    if (answer === 'slow') await delay(1500);
    if (answer === 'wrong-status') return new HttpResponse('<html>maintenance</html>', { status: 200 });
    return new HttpResponse(null, { status: 204 });
  }),
);
const clock = manualClock(MONDAY_10);
let h: TestHall | undefined;

beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());
afterEach(async () => {
  await h?.stop();
  h = undefined;
  answer = 'ok';
  clock.set(MONDAY_10);
});

async function hallWithProbe(dataDir?: string) {
  h = await startTestHall({
    clock: clock.clock,
    dataDir,
    env: {
      REGISTRATION_PROBE_URL: PROBE_URL,
      REGISTRATION_PROBE_STATUS: '204',
      REGISTRATION_PROBE_SECONDS: '3600',
      REGISTRATION_FAILURE_MINUTES: '2',
      INTEGRATION_TIMEOUT_SECONDS: '0.3',
    },
  });
  const probe = h.running.features.find((f) => f.name === 'registration-probe') as RegistrationProbe;
  await probe.probe();
  const signals: Array<BusEvents['integration.health']> = [];
  h.running.hall.bus.on('integration.health', (s) => signals.push(s));
  return { probe, signals };
}

const view = async () => (await h!.api('GET', `${V1}/integrations`, undefined, h!.managerToken)).body.registration;

describe('registration system probe', () => {
  for (const failure of ['down', 'slow', 'wrong-status'] as const)
    it(`reports an outage once the system has been ${failure} for the set time, and its recovery`, async () => {
      const { probe, signals } = await hallWithProbe();
      expect(await view()).toMatchObject({ configured: true, ok: true, lastError: null });
      answer = failure;
      const start = clock.now;
      await probe.probe();
      clock.advance(1);
      await probe.probe();
      expect(signals).toEqual([]); // a minute of failure is not yet an outage
      expect(await view()).toMatchObject({ ok: false, failingForSeconds: 60 });
      clock.advance(1);
      await probe.probe();
      expect(signals).toEqual([{ system: 'registration', ok: false, since: start, error: expect.any(String) }]);
      await probe.probe();
      expect(signals).toHaveLength(1);
      answer = 'ok';
      clock.advance(3);
      await probe.probe();
      expect(signals.at(-1)).toEqual({ system: 'registration', ok: true, since: clock.now });
      expect(await view()).toMatchObject({ ok: true, failingForSeconds: null });
    });

  it('a failure shorter than the set time passes without an outage', async () => {
    const { probe, signals } = await hallWithProbe();
    answer = 'down';
    await probe.probe();
    clock.advance(1.5);
    answer = 'ok';
    await probe.probe();
    clock.advance(1);
    answer = 'down';
    await probe.probe();
    clock.advance(1.5);
    await probe.probe();
    expect(signals).toEqual([]);
  });

  it('is off, and says so, while its URL is unset', async () => {
    h = await startTestHall({ clock: clock.clock });
    expect(await view()).toMatchObject({ configured: false, ok: false, backlog: 0 });
    expect((await h.api('GET', `${V1}/integrations`, undefined, h.managerToken)).body.platform.configured).toBe(false);
  });
});

describe('the network-outage playbook the probe’s outage starts', () => {
  const outage = () => (h!.running.hall.state.playbooks ?? []).find((p) => p.playbookId === 'network-outage');
  const triggers = () => h!.running.features.find((f) => f.name === 'playbook-triggers') as AutomaticTriggers;
  /** Down for REGISTRATION_FAILURE_MINUTES, then past the playbook's `downForMinutes: 3`. */
  async function outageStarted(probe: RegistrationProbe) {
    answer = 'down';
    await probe.probe();
    clock.advance(2);
    await probe.probe();
    clock.advance(1.5);
    triggers().tick();
    expect(outage()?.cause).toMatchObject({ by: 'integration', system: 'registration' });
  }

  it('ends at the first success after a restart in the middle of the outage', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-outage-restart-'));
    try {
      const { probe } = await hallWithProbe(dataDir);
      await outageStarted(probe);
      await h!.stop();
      answer = 'ok';
      clock.advance(5);
      await hallWithProbe(dataDir); // probes once as it starts: the system is back
      expect(outage()).toBeUndefined();
    } finally {
      await h?.stop();
      h = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stays off once a manager has ended it while the outage lasts, and can start again after', async () => {
    const { probe } = await hallWithProbe();
    await outageStarted(probe);
    const ended = await h!.api('POST', `${V1}/emergency/deactivate`, { playbookId: 'network-outage' }, h!.managerToken);
    expect(ended.status).toBe(200);
    clock.advance(1);
    await probe.probe();
    // The platform working (its trigger for the same playbook released) says nothing about the registration system.
    h!.running.hall.bus.emit('integration.health', { system: 'platform', ok: true, since: clock.now });
    triggers().tick();
    expect(outage()).toBeUndefined(); // the manager's all-clear stands
    answer = 'ok';
    await probe.probe();
    await outageStarted(probe); // a new outage starts it again
  });

  it('is not ended by another system coming back', async () => {
    const { probe } = await hallWithProbe();
    await outageStarted(probe);
    h!.running.hall.bus.emit('integration.health', { system: 'platform', ok: true, since: clock.now });
    expect(outage()).toBeDefined();
  });
});
