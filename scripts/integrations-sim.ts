/**
 * `npm run integrations:sim`: stand-ins for the appointment platform, the SMS gateway and the registration system on
 * one port (INTEGRATIONS_SIM_PORT, default 8091), serving the msw handlers the tests use. Prints the environment a hall
 * needs, feeds a booking every SIM_BOOKING_SECONDS (default 20), and shows each SMS and platform event as it arrives.
 */
import { loadHallFile } from '../server/config/load-hall.js';
import { renderSms } from '../server/features/integrations/index.js';
import type { SmsTemplate } from '../server/core/event-bus.js';
import { feedBookings } from './lib/integrations-sim/booking-feed.js';
import { startIntegrationsSim } from './lib/integrations-sim/serve.js';

async function main(): Promise<void> {
  const hallFile = loadHallFile(process.env.HALL_CONFIG);
  const sim = await startIntegrationsSim({
    port: Number(process.env.INTEGRATIONS_SIM_PORT ?? 8091),
    host: process.env.HOST ?? '127.0.0.1',
  });
  sim.sms.onMessage = (m) =>
    process.stdout.write(`  SMS → ${m.to}: ${renderSms(m.template as SmsTemplate, m.params)}\n`);
  const stopFeed = feedBookings(
    sim.platform,
    hallFile.services.map((s) => s.platformCode ?? s.id),
    Number(process.env.SIM_BOOKING_SECONDS ?? 20) * 1000,
  );
  process.stdout.write(
    [
      '',
      `  Integration stand-ins on ${sim.url}. Start the hall with:`,
      ...Object.entries(sim.env).map(([k, v]) => `    ${k}=${v}`),
      '',
    ].join('\n') + '\n',
  );
  const stop = async () => {
    stopFeed();
    await sim.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
