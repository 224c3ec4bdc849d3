/**
 * The site's city link against a real nats-server: nothing personal leaves, a link that was down sends its backlog in
 * order and once, a re-sent message is dropped by JetStream's message id, and without CITY_NATS_URL nothing runs.
 */
import { connect, nanos, StorageType, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITY_EVENT_TYPES, CITY_STREAM, CITY_STREAM_SUBJECTS, type CityEvent } from '../../protocol/city.js';
import { startNatsCluster, type NatsNode } from '../../scripts/lib/nats-process.js';
import type { CityLink } from '../../server/features/city-link/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { makeIdNumber } from '../helpers/id-numbers.js';
import { until } from '../helpers/until.js';
import { manualClock } from '../api/support.js';

const V1 = '/api/v1';
let nats: NatsNode;
let nc: NatsConnection;

beforeAll(async () => {
  [nats] = await startNatsCluster(1);
  nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({
    name: CITY_STREAM,
    subjects: CITY_STREAM_SUBJECTS,
    storage: StorageType.File,
    duplicate_window: nanos(120_000),
  });
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await nats?.kill();
});

const linkOf = (h: TestHall) => h.running.features.find((f) => f.name === 'city-link') as CityLink | undefined;
/** The last log entry the city needs (audit-only entries after it wait for the next commit to be passed over). */
const headSeq = (h: TestHall) =>
  (h.running.db
    .prepare(`SELECT MAX(seq) FROM events WHERE type IN (${CITY_EVENT_TYPES.map((t) => `'${t}'`).join(',')})`)
    .pluck()
    .get() as number | null) ?? 0;

/** Every event message of `site` in the stream, oldest first. */
async function streamed(site: string): Promise<CityEvent[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(CITY_STREAM);
  const out: CityEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(CITY_STREAM, { seq }).catch(() => undefined);
    if (m && m.subject === `city.site.${site}.events`) out.push(m.json<CityEvent>());
  }
  return out;
}

describe('the city link', () => {
  it('stays off without CITY_NATS_URL', async () => {
    const h = await startTestHall();
    try {
      expect(linkOf(h)).toBeUndefined();
      const table = h.running.db
        .prepare("SELECT name FROM sqlite_master WHERE name = 'city_link_cursor'")
        .pluck()
        .get();
      expect(table).toBeUndefined();
    } finally {
      await h.stop();
    }
  });

  it('publishes counts, numbers, times and ids, never an ID number, its hash, a name or a phone', async () => {
    const raw: string[] = [];
    const sub = nc.subscribe('city.>', { callback: (_e, m) => raw.push(m.string()) });
    const clock = manualClock(new Date().toISOString());
    const h = await startTestHall({ clock: clock.clock, env: { CITY_NATS_URL: nats.url } });
    try {
      const idNumber = makeIdNumber('19800101', 7);
      const phone = '13912345678';
      const staff = await h.staffAt('1', 'wangfang');
      for (let i = 0; i < 3; i++) {
        const r = await h.api(
          'POST',
          `${V1}/tickets`,
          { serviceId: 'one-window', idNumber: makeIdNumber('19800101', 7 + i), phone },
          h.managerToken,
        );
        expect(r.status).toBe(201);
      }
      for (const step of ['call-next', 'start', 'finish', 'call-next', 'no-show']) {
        if (step === 'no-show') clock.advance(1); // the holder's minute to come
        expect((await h.api('POST', `${V1}/counters/1/${step}`, {}, staff)).status).toBe(200);
      }
      await h.api(
        'POST',
        `${V1}/emergency/activate`,
        { playbookId: 'petition', note: '张三 13912345678' },
        h.managerToken,
      );
      await until('the city acknowledged the log', () => linkOf(h)!.acknowledged().sent === headSeq(h), 15_000);
      await until('the messages arrived', () => raw.some((m) => m.includes('playbook.activated')));
      const hashes = h.running.db.prepare('SELECT data FROM events').pluck().all() as string[];
      const identityHashes = hashes.flatMap((d) => [...d.matchAll(/"identity":"([^"]+)"/g)].map((m) => m[1]));
      expect(identityHashes.length).toBeGreaterThan(0);
      const all = raw.join('\n');
      expect(all).toContain('"ticket.issued"');
      expect(all).toContain('"counterId":"1"');
      for (const secret of [idNumber, idNumber.slice(-6), phone, '员工', 'wangfang', '张三', ...identityHashes])
        expect(all).not.toContain(secret);
      expect(all).not.toMatch(/idNumber|phone|"name":"员工|identity/);
    } finally {
      await sub.unsubscribe();
      await h.stop();
    }
  });

  it('sends what the site did while the city was down, in order, once; a re-send is dropped by its id', async () => {
    const h = await startTestHall({ env: { CITY_NATS_URL: nats.url } });
    try {
      const site = h.running.hall.hallFile.hall.id;
      await until('connected', () => linkOf(h)!.acknowledged().sent === headSeq(h), 15_000);
      await nats.kill();
      const staff = await h.staffAt('2', 'li');
      for (let i = 0; i < 12; i++)
        expect((await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, h.managerToken)).status).toBe(201);
      for (const step of ['call-next', 'start', 'finish'])
        expect((await h.api('POST', `${V1}/counters/2/${step}`, {}, staff)).status).toBe(200);
      expect(linkOf(h)!.acknowledged().sent).toBeLessThan(headSeq(h));
      await nats.restart();
      await until('the backlog acknowledged', () => linkOf(h)!.acknowledged().sent === headSeq(h), 30_000);

      const events = await streamed(site);
      const seqs = events.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      events.forEach((e, i) => expect(e.prev).toBe(i === 0 ? 0 : seqs[i - 1]));
      const inLog = h.running.db
        .prepare(`SELECT COUNT(*) FROM events WHERE type IN (${CITY_EVENT_TYPES.map((t) => `'${t}'`).join(',')})`)
        .pluck()
        .get() as number;
      expect(events.length).toBe(inLog);

      // The cursor forgotten (as if the acks were lost): everything goes again, and JetStream drops every one.
      h.running.db.prepare('UPDATE city_link_cursor SET seq = 0, sent = 0').run();
      expect((await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, h.managerToken)).status).toBe(201);
      await until('re-sent', () => linkOf(h)!.acknowledged().sent === headSeq(h), 30_000);
      expect((await streamed(site)).length).toBe(events.length + 1);
    } finally {
      await h.stop();
    }
  }, 60_000);
});
