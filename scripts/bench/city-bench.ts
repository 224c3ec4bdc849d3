/**
 * The city under 50 sites: each simulated site publishes its day's events to JetStream as the city link does
 * (msg id <site>:<seq>, batches of 200 awaited together); the city process consumes them into its view. Measured in
 * the same run: the engine's own publish rate (the same publishing into a stream nobody consumes), the rate at which
 * the city view takes the events in, and the lag at the city (last publish acked → the view has every event).
 *
 *   node dist/scripts/bench/city-bench.js [--sites 50] [--events 200] [--replicas 1]
 */
import { connect, nanos, StorageType, type NatsConnection } from 'nats';
import { join } from 'node:path';
import { CITY_STREAM, CITY_STREAM_SUBJECTS, cityMsgId, citySubjects, type CityEvent } from '../../protocol/city.js';
import { makeTempDir, spawnServer, sleep } from '../lib/hall-process.js';
import { startNatsCluster } from '../lib/nats-process.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SITES = arg('sites', 50);
const EVENTS = arg('events', 200);
const REPLICAS = arg('replicas', 1);
const BATCH = 200;
const encoder = new TextEncoder();

/** A site's day as the city sees it: tickets issued, then each called and finished in turn. */
function siteDay(site: string, count: number): CityEvent[] {
  const out: CityEvent[] = [];
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; out.length < count; i++) {
    const seq = out.length + 1;
    const base = { v: 1 as const, site, seq, prev: seq - 1, at: t0 + seq * 1000 };
    const ticketId = `t${Math.floor(i / 3)}`;
    const step = i % 3;
    if (step === 0)
      out.push({ ...base, type: 'ticket.issued', ticketId, number: `A${seq}`, serviceId: 's', day: '2026-11-30' });
    else if (step === 1) out.push({ ...base, type: 'ticket.called', ticketId, counterId: '1' });
    else out.push({ ...base, type: 'ticket.finished', ticketId, counterId: '1', serviceMs: 60_000 });
  }
  return out;
}

async function publishAll(ncs: NatsConnection[], subjectOf: (site: string) => string): Promise<number> {
  const start = performance.now();
  await Promise.all(
    ncs.map(async (nc, i) => {
      const site = `bench-${i}`;
      const js = nc.jetstream();
      const events = siteDay(site, EVENTS);
      for (let b = 0; b < events.length; b += BATCH)
        await Promise.all(
          events.slice(b, b + BATCH).map((e) =>
            js.publish(subjectOf(site), encoder.encode(JSON.stringify(e)), {
              msgID: cityMsgId(site, e.seq),
              timeout: 60_000,
            }),
          ),
        );
    }),
  );
  return performance.now() - start;
}

async function main(): Promise<void> {
  const nats = await startNatsCluster(REPLICAS > 1 ? 3 : 1);
  const urls = nats.map((n) => n.url).join(',');
  const ncs = await Promise.all(Array.from({ length: SITES }, () => connect({ servers: urls.split(',') })));
  const jsm = await ncs[0].jetstreamManager();
  const common = { storage: StorageType.File, num_replicas: REPLICAS, duplicate_window: nanos(120_000) };
  await jsm.streams.add({ ...common, name: CITY_STREAM, subjects: CITY_STREAM_SUBJECTS });
  await jsm.streams.add({ ...common, name: 'BENCH_RAW', subjects: ['bench.raw.>'] });
  const total = SITES * EVENTS;

  // The engine alone: the same messages into a stream nobody reads.
  const rawMs = await publishAll(ncs, (site) => `bench.raw.${site}`);

  const city = await spawnServer({
    entry: 'dist/server/city/main.js',
    portEnv: 'CITY_PORT',
    readyTimeoutMs: 60_000,
    env: { CITY_NATS_URL: urls, DATA_DIR: join(makeTempDir('hallq-city-bench-'), 'city'), LOG_LEVEL: 'warn' },
  });
  const t0 = performance.now();
  const pubMs = await publishAll(ncs, (site) => citySubjects(site).events);
  const published = performance.now();
  const issuedWanted = SITES * Math.ceil(EVENTS / 3);
  const get = async <T>(path: string) => (await (await fetch(`${city.url}${path}`)).json()) as T;
  for (;;) {
    try {
      const days = await get<{ days: Array<{ issued: number }> }>('/api/v1/city/days');
      const sites = await get<{ sites: unknown[] }>('/api/v1/city/sites');
      if (sites.sites.length === SITES && (days.days[0]?.issued ?? 0) >= issuedWanted) break;
    } catch (err) {
      if (city.child.exitCode !== null) throw new Error(`the city process ended:\n${city.output()}`);
      console.error('city view did not answer', (err as Error).message);
    }
    await sleep(50);
  }
  const viewed = performance.now();
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
  console.log(
    JSON.stringify(
      {
        sites: SITES,
        eventsPerSite: EVENTS,
        events: total,
        replicas: REPLICAS,
        engineRawPublishPerSecond: rate(total, rawMs),
        cityPublishPerSecond: rate(total, pubMs),
        cityViewEventsPerSecond: rate(total, viewed - t0),
        lagAfterLastAckMs: Math.round(viewed - published),
      },
      null,
      2,
    ),
  );
  await city.stop(5000);
  await Promise.all(ncs.map((nc) => nc.close()));
  await Promise.all(nats.map((n) => n.kill()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
