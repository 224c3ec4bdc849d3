/**
 * The city's streams have explicit limits (docs/city.md, "Retention"), applied to a stream an older city made without
 * them too; and a site cut off for longer than the retention loses nothing: what it did waits in its log behind its
 * cursor and is stored when it returns, so the stream's age limit counts from then.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, DiscardPolicy, nanos, StorageType, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CITY_DOWN_STREAM,
  CITY_EVENT_TYPES,
  CITY_MAX_MESSAGE_BYTES,
  CITY_STREAM,
  CITY_STREAM_SUBJECTS,
  type CityEvent,
} from '../../protocol/city.js';
import { startNatsCluster, type NatsNode } from '../../scripts/lib/nats-process.js';
import { CityConsumer } from '../../server/city/consumer.js';
import { CityReadModel } from '../../server/city/read-model.js';
import { DEFAULT_LIMITS } from '../../server/city/stream-config.js';
import type { CityLink } from '../../server/features/city-link/index.js';
import { startTestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const MIB = 1024 * 1024;
let nats: NatsNode;
let nc: NatsConnection;
const dir = mkdtempSync(join(tmpdir(), 'hallq-city-retention-'));

beforeAll(async () => {
  [nats] = await startNatsCluster(1);
  nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await nats?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function runCity(limits?: ConstructorParameters<typeof CityConsumer>[1]['limits']) {
  const model = new CityReadModel(dir);
  const city = new CityConsumer(model, { url: nats.url, replicas: 1, limits });
  await city.start();
  await city.stop();
  model.close();
}

const configOf = async (name: string) => (await (await nc.jetstreamManager()).streams.info(name)).config;

describe('the city streams’ retention', () => {
  it('sets max age, max bytes and discard-new on both streams, also on a stream made without them', async () => {
    // As a city process before the limits made it.
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: CITY_STREAM, subjects: CITY_STREAM_SUBJECTS, storage: StorageType.File });
    await runCity({
      events: { maxAgeHours: 48, maxBytes: 64 * MIB, maxMsgsPerSite: 5000 },
      directives: { maxAgeHours: 240, maxBytes: 8 * MIB },
    });
    expect(await configOf(CITY_STREAM)).toMatchObject({
      max_age: nanos(48 * 3_600_000),
      max_bytes: 64 * MIB,
      discard: DiscardPolicy.New,
      subjects: CITY_STREAM_SUBJECTS,
      max_msg_size: CITY_MAX_MESSAGE_BYTES,
      max_msgs_per_subject: 5000,
    });
    expect(await configOf(CITY_DOWN_STREAM)).toMatchObject({
      max_age: nanos(240 * 3_600_000),
      max_bytes: 8 * MIB,
      discard: DiscardPolicy.New,
    });
    // The defaults, when the environment says nothing: a week of events, a month of directives.
    await runCity();
    expect(await configOf(CITY_STREAM)).toMatchObject({
      max_age: nanos(7 * 24 * 3_600_000),
      max_bytes: DEFAULT_LIMITS.events.maxBytes,
      max_msgs_per_subject: DEFAULT_LIMITS.events.maxMsgsPerSite,
    });
    expect((await configOf(CITY_DOWN_STREAM)).max_age).toBe(nanos(30 * 24 * 3_600_000));
  }, 60_000);

  it('stores what a cut-off site did when it returns, so the age limit counts from its return', async () => {
    const h = await startTestHall({ env: { CITY_NATS_URL: nats.url } });
    try {
      const link = h.running.features.find((f) => f.name === 'city-link') as CityLink;
      const site = h.running.hall.site.id;
      const head = () =>
        (h.running.db
          .prepare(`SELECT MAX(seq) FROM events WHERE type IN (${CITY_EVENT_TYPES.map((t) => `'${t}'`).join(',')})`)
          .pluck()
          .get() as number | null) ?? 0;
      await until('connected', () => link.acknowledged().seq > 0, 15_000);
      await nats.kill();
      for (let i = 0; i < 5; i++)
        expect((await h.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, h.managerToken)).status).toBe(201);
      const cursorWhileCut = link.acknowledged().sent;
      expect(cursorWhileCut).toBeLessThan(head());
      const returned = Date.now();
      await nats.restart();
      await until('the backlog acknowledged', () => link.acknowledged().sent === head(), 30_000);
      // Each event made while cut off is in the stream once, stored at its return: its age starts then.
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(CITY_STREAM);
      const backlog: Array<{ event: CityEvent; stored: number }> = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(CITY_STREAM, { seq }).catch(() => undefined);
        if (m?.subject !== `city.site.${site}.events`) continue;
        const event = m.json<CityEvent>();
        if (event.seq > cursorWhileCut) backlog.push({ event, stored: m.time.getTime() });
      }
      expect(backlog.filter((b) => b.event.type === 'ticket.issued')).toHaveLength(5);
      for (const b of backlog) {
        expect(b.event.at).toBeLessThan(returned);
        expect(b.stored).toBeGreaterThanOrEqual(returned - 1000);
      }
    } finally {
      await h.stop();
    }
  }, 90_000);

  it('keeps one site flooding its subject from filling the stream: its own oldest go, and every other site is taken', async () => {
    await runCity({
      events: { maxAgeHours: 48, maxBytes: 4 * MIB, maxMsgsPerSite: 1000 },
      directives: { maxAgeHours: 240, maxBytes: 8 * MIB },
    });
    const js = nc.jetstream();
    const junk = new Uint8Array(CITY_MAX_MESSAGE_BYTES - 200);
    // 3,000 messages of ~1.8 KB, 5.5 MB, all on one site's subject: more than the stream's 4 MB.
    for (let i = 0; i < 3000; i += 100)
      await Promise.all(Array.from({ length: 100 }, () => js.publish('city.site.flooder.events', junk)));
    await expect(js.publish('city.site.flooder.events', new Uint8Array(CITY_MAX_MESSAGE_BYTES + 1))).rejects.toThrow(
      /size/,
    );
    const ack = await js.publish('city.site.other-hall.events', new TextEncoder().encode('{}'));
    expect(ack.seq).toBeGreaterThan(3000);
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(CITY_STREAM)).state.bytes).toBeLessThan(2 * MIB);
    await runCity(); // the defaults again
  }, 60_000);
});
