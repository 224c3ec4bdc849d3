/**
 * The demo's outside systems: the stand-ins on a free port, a booking every 20 seconds, and a line on the console for
 * each booking put on the platform, each event the hall sends back, and each SMS that leaves.
 */
import type { SmsTemplate } from '../../../server/core/event-bus.js';
import { renderSms } from '../../../server/features/integrations/index.js';
import { feedBookings } from './booking-feed.js';
import { startIntegrationsSim } from './serve.js';

export async function startDemoIntegrations(serviceCodes: string[]) {
  const sim = await startIntegrationsSim();
  const say = (line: string) => process.stdout.write(`  ${line}\n`);
  const put = sim.platform.put.bind(sim.platform);
  sim.platform.put = (b) => {
    const v = put(b);
    say(`预约平台 ← booking ${v.bookingId} (${v.serviceCode}, ${v.slotStart.slice(11, 16)} UTC, code ${v.code})`);
    return v;
  };
  sim.platform.onEvent = (e) => say(`预约平台 ← ${e.type} for booking ${e.bookingId}`);
  sim.sms.onMessage = (m) =>
    say(`短信 → ${m.to.slice(0, 3)}****${m.to.slice(-4)}: ${renderSms(m.template as SmsTemplate, m.params)}`);
  const stopFeed = feedBookings(sim.platform, serviceCodes, 20_000);
  return {
    env: { ...sim.env, PLATFORM_SYNC_SECONDS: '10' },
    url: sim.url,
    async stop() {
      stopFeed();
      await sim.stop();
    },
  };
}
