/**
 * Issue latency while the hall catches up on 10,000 bookings from the appointment platform, against the same load
 * without a catch-up, side by side in one run: the real server in a child process, the platform stand-in (the tests'
 * msw handlers behind node:http) in this one. Prints figures; never fails on timing. `npm run bench:catch-up`.
 */
import { parseArgs } from 'node:util';
import { checkChar } from '../../server/domain/identity.js';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  login,
  makeTempDir,
  removeTempDir,
  sleep,
  startHallProcess,
  watchdog,
  type Api,
} from '../lib/hall-process.js';
import { startIntegrationsSim } from '../lib/integrations-sim/serve.js';
import { ms, summarize, table, times, verdict } from './stats.js';

const SERVICES = ['one-window', 'mortgage', 'enterprise', 'query', 'payment', 'certificate', 'consult'];

/** Issues tickets from `clients` loops, each waiting `gapMs` between requests, until `done()`; latencies in ms. */
async function issueLoad(api: Api, token: string, clients: number, gapMs: number, done: () => boolean) {
  const samples: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; !done(); i++) {
        const t0 = performance.now();
        const r = await api('POST', '/api/v1/tickets', { serviceId: SERVICES[(c + i) % SERVICES.length] }, token);
        samples.push(performance.now() - t0);
        if (r.status !== 201) failed++;
        await sleep(gapMs);
      }
    }),
  );
  return { ...summarize(samples), failed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bookings: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '15' },
      clients: { type: 'string', default: '4' },
    },
  });
  const bookings = Number(values.bookings);
  const seconds = Number(values.seconds);
  const clients = Number(values.clients);
  watchdog(15 * 60_000, 'catch-up bench');
  const sim = await startIntegrationsSim();
  sim.platform.pageSize = 500;
  const dataDir = makeTempDir('hallq-catch-up-');
  const server = await startHallProcess(dataDir, {
    env: { PLATFORM_URL: sim.env.PLATFORM_URL, PLATFORM_TOKEN: sim.env.PLATFORM_TOKEN, PLATFORM_SYNC_SECONDS: '1' },
  });
  const api = apiClient(server.url);
  try {
    const token = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    // Warm up, then the load without a catch-up.
    let until = Date.now() + 2000;
    await issueLoad(api, token, clients, 20, () => Date.now() > until);
    until = Date.now() + seconds * 1000;
    const without = await issueLoad(api, token, clients, 20, () => Date.now() > until);

    // The same load while the hall takes `bookings` bookings (tomorrow's slots) from the platform.
    const tomorrow = Date.now() + 24 * 3600_000;
    for (let n = 0; n < bookings; n++) {
      const first17 = `440402${1950 + (n % 50)}0${(n % 9) + 1}1${(n % 9) + 1}${String(n % 1000).padStart(3, '0')}`;
      const start = tomorrow + (n % 48) * 10 * 60_000;
      sim.platform.put({
        bookingId: `bench-${n}`,
        code: String(7_000_000_000 + n),
        serviceCode: SERVICES[n % SERVICES.length],
        slotStart: new Date(start).toISOString(),
        slotEnd: new Date(start + 10 * 60_000).toISOString(),
        idNumber: first17 + checkChar(first17),
      });
    }
    const caughtUp = () => sim.platform.requests.at(-1) === String(bookings);
    const t0 = Date.now();
    const during = await issueLoad(api, token, clients, 20, () => caughtUp() || Date.now() - t0 > 10 * 60_000);
    const catchUpSeconds = (Date.now() - t0) / 1000;
    const health = (await api('GET', '/api/v1/integrations', undefined, token)).body.platform;
    const appointments = (await api('GET', '/api/v1/appointments', undefined, token)).body.appointments.length;

    process.stdout.write(
      [
        '',
        `Catch-up bench: ${bookings} bookings in pages of ${sim.platform.pageSize}; ${clients} issuing clients, 20 ms apart`,
        '',
        table([
          ['phase', 'issued', 'p50', 'p99', 'max', 'failed'],
          [
            'without catch-up',
            String(without.n),
            ms(without.p50),
            ms(without.p99),
            ms(without.max),
            String(without.failed),
          ],
          ['during catch-up', String(during.n), ms(during.p50), ms(during.p99), ms(during.max), String(during.failed)],
        ]),
        '',
        `catch-up took ${catchUpSeconds.toFixed(1)} s; appointments ${appointments}; skipped ${health.skippedBookings}`,
        `issue p99 during / without: ${times(during.p99, without.p99)} (target within 1.5×: ${verdict(during.p99 / without.p99, 1.5)})`,
        '',
      ].join('\n'),
    );
  } finally {
    api.close();
    await server.stop();
    await sim.stop();
    removeTempDir(dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
