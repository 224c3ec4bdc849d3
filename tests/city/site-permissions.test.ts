/**
 * A site reads only its own replies (docs/city.md, Security): with the city's accounts, a site's client gets its acks
 * and pulls on its own inbox prefix, and another site's login is refused `_INBOX.>`, over which it read this site's
 * events as the city pulled them and the city's directives to it. Real nats-server, city process and hall.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityAccountsConfig } from '../../scripts/lib/city-auth.js';
import { startNatsCluster, type NatsNode } from '../../scripts/lib/nats-process.js';
import { StartRefused } from '../../server/app/hall-server.js';
import { CityConsumer } from '../../server/city/consumer.js';
import { loadHallFile } from '../../server/config/load-hall.js';
import { CityReadModel } from '../../server/city/read-model.js';
import { log } from '../../server/log.js';
import type { CityLink } from '../../server/features/city-link/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

const city = { user: 'city', password: 'city-secret' };
const SITE = 'yunfu-realestate'; // the reference hall's id
const other = { user: 'yunfu-point-other', password: 'other-secret' };
const dir = mkdtempSync(join(tmpdir(), 'hallq-city-permissions-'));
let nats: NatsNode;
let model: CityReadModel;
let cityProcess: CityConsumer;
let h: TestHall;
let spy: NatsConnection;

beforeAll(async () => {
  [nats] = await startNatsCluster(1, {
    extraConfig: cityAccountsConfig(city, [{ user: SITE, password: 'site-secret' }, other]),
  });
  model = new CityReadModel(dir);
  cityProcess = new CityConsumer(model, { url: nats.url, replicas: 1, user: city.user, password: city.password });
  await cityProcess.start();
  h = await startTestHall({
    env: { CITY_NATS_URL: nats.url, CITY_NATS_USER: SITE, CITY_NATS_PASSWORD: 'site-secret' },
  });
  expect(h.running.hall.hallFile.hall.id).toBe(SITE);
}, 60_000);

afterAll(async () => {
  await spy?.close();
  await h?.stop();
  await cityProcess?.stop();
  model?.close();
  await nats?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const linkOf = (t: TestHall) => t.running.features.find((f) => f.name === 'city-link') as CityLink;

describe("a site's NATS login", () => {
  it("is refused every client's inbox, and reads nothing of another site's events or directives", async () => {
    spy = await connect({ servers: nats.url, user: other.user, pass: other.password });
    const heard: string[] = [];
    const refused: string[] = [];
    spy.subscribe('_INBOX.>', {
      callback: (err, m) => (err ? refused.push(err.message) : heard.push(m.string())),
    });
    await spy.flush();

    // The hall works, and its link carries its events through its own inbox: they reach the city.
    const r = await h.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, h.managerToken);
    expect(r.status).toBe(201);
    await until('the city has the ticket', () => (model.sites().find((s) => s.id === SITE)?.waiting ?? 0) >= 1, 15_000);
    expect(linkOf(h).acknowledged().sent).toBeGreaterThan(0);
    // A directive to the hall reaches it.
    await cityProcess.sendDirective(
      { v: 1, id: 'permissions-surge', at: Date.now(), kind: 'playbook.activate', playbookId: 'surge' },
      [SITE],
    );
    await until('the hall applied it', () => h.running.hall.state.emergency !== null, 15_000);

    const ticketId = (r.body as { ticket: { id: string } }).ticket.id;
    expect(ticketId).toMatch(/^t_/);
    expect(heard.filter((m) => m.includes(ticketId) || m.includes('permissions-surge'))).toEqual([]);
    expect(refused.join(' ')).toMatch(/permissions violation/i);
  }, 60_000);

  it('says so in the log when the city refuses its events, not only that the link is up', async () => {
    // A hall set up with another site's login: connected, but not allowed its own subject.
    const lines: string[] = [];
    const collect = { write: (l: string) => (lines.push(l), true), once: () => undefined, writableLength: 0 };
    const restore = log.redirect(collect as never, collect as never);
    const wrong = await startTestHall({
      env: { CITY_NATS_URL: nats.url, CITY_NATS_USER: other.user, CITY_NATS_PASSWORD: other.password },
    });
    log.setLevel('info'); // the test hall starts silent
    try {
      expect((await wrong.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, wrong.managerToken)).status).toBe(
        201,
      );
      await until(
        'the refusal warned',
        () => lines.some((l) => l.includes('"warn"') && l.includes('the city did not take the site’s events')),
        20_000,
      );
    } finally {
      await wrong.stop();
      restore();
      log.setLevel('silent');
    }
  }, 60_000);

  it('is never tried with a hall id that has a dot: the hall refuses to start and says why', async () => {
    const file = loadHallFile();
    const dotted = { ...file, hall: { ...file.hall, id: 'yunfu.point' } };
    const started = await startTestHall({ hallFile: dotted, env: { CITY_NATS_URL: nats.url } }).catch((e) => e);
    expect(started).toBeInstanceOf(StartRefused);
    expect((started as Error).message).toMatch(/hall\.id "yunfu\.point" has a dot/);
    // Without a city link the same id is fine.
    const alone = await startTestHall({ hallFile: dotted });
    await alone.stop();
  });
});
