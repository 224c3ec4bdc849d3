/**
 * `npm run integrations:sim`'s server: a real HTTP server answering through the tests' msw handlers; a hall pointed
 * at it takes its bookings and its SMS leave through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { feedBookings } from '../../scripts/lib/integrations-sim/booking-feed.js';
import { startIntegrationsSim, type IntegrationsSim } from '../../scripts/lib/integrations-sim/serve.js';
import type { PlatformAdapter, RegistrationProbe, SmsOutbox } from '../../server/features/integrations/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { issue, V1 } from '../api/support.js';

let sim: IntegrationsSim | undefined;
let h: TestHall | undefined;
afterEach(async () => {
  await h?.stop();
  await sim?.stop();
  h = sim = undefined;
});

const feature = <T>(t: TestHall, name: string) => t.running.features.find((f) => f.name === name) as T;

describe('integrations sim', () => {
  it('serves bookings to a hall, takes its SMS, and answers its probe, over real HTTP', async () => {
    sim = await startIntegrationsSim();
    const stopFeed = feedBookings(sim.platform, ['one-window', 'mortgage'], 3_600_000);
    stopFeed();
    h = await startTestHall({ env: { ...sim.env, PLATFORM_SYNC_SECONDS: '3600', REGISTRATION_PROBE_SECONDS: '3600' } });
    await feature<PlatformAdapter>(h, 'platform-sync').runNow();
    const list = (await h.api('GET', `${V1}/appointments`, undefined, h.managerToken)).body.appointments;
    expect(list.filter((a: any) => a.bookingId?.startsWith('sim-'))).toHaveLength(3);

    const ticket = await issue(h, h.managerToken, { serviceId: 'query', phone: '13512345678' });
    h.running.hall.bus.emit('sms.request', {
      to: { ticketId: ticket.id },
      template: 'playbook-notify',
      params: { text: '系统恢复' },
      key: 'sim-test-1',
    });
    await feature<SmsOutbox>(h, 'sms-outbox').drainNow();
    expect(sim.sms.received).toMatchObject([{ to: '13512345678', key: 'sim-test-1' }]);

    await feature<RegistrationProbe>(h, 'registration-probe').probe();
    const health = (await h.api('GET', `${V1}/integrations`, undefined, h.managerToken)).body;
    expect(health.registration).toMatchObject({ configured: true, ok: true });
    expect(health.platform).toMatchObject({ configured: true, ok: true });
    expect(health.sms).toMatchObject({ configured: true, ok: true, backlog: 0 });
  });
});
