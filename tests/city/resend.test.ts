/**
 * A site's log sent again under a new epoch (protocol/city.ts CityEvent.epoch), against a real nats-server: the city
 * that lost its read model finds a gap and asks the site (`site.resend`); a site restored from a backup sends its
 * log again by itself. Either way the city's view of the site ends equal to the site's own, not stuck on a gap or on
 * events the restore undid.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsCluster, type NatsNode } from '../../scripts/lib/nats-process.js';
import { CityConsumer } from '../../server/city/consumer.js';
import { CityReadModel, OFFLINE_AFTER_MS } from '../../server/city/read-model.js';
import type { NightlyBackups } from '../../server/features/backups/index.js';
import { restoreDatabase } from '../../server/store/restore.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { manualClock } from '../api/support.js';
import { connect } from 'nats';
import { CITY_STREAM, type CityEvent } from '../../protocol/city.js';
import { RESEND_DAYS, type CityLink } from '../../server/features/city-link/index.js';

const V1 = '/api/v1';
let nats: NatsNode;
const dirs: string[] = [];
const tempDir = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `hallq-${name}-`));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  [nats] = await startNatsCluster(1);
}, 30_000);
afterAll(async () => {
  await nats?.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startCity(dir: string) {
  const model = new CityReadModel(dir);
  const consumer = new CityConsumer(model, { url: nats.url, replicas: 1 });
  await consumer.start();
  return {
    model,
    consumer,
    waiting: (site: string) => model.sites().find((s) => s.id === site)?.waiting,
    async stop() {
      await consumer.stop();
      model.close();
    },
  };
}

const linkOf = (h: TestHall) => h.running.features.find((f) => f.name === 'city-link') as CityLink;
const issue = async (h: TestHall, n: number, token = h.managerToken) => {
  for (let i = 0; i < n; i++)
    expect((await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, token)).status).toBe(201);
};
const siteWaiting = async (h: TestHall) =>
  (await h.api('GET', `${V1}/hall`)).body.services.reduce((n: number, s: { waiting: number }) => n + s.waiting, 0);

describe('a site’s log sent again', () => {
  it('rebuilds the view of a city that lost its read model, at once, name and place included', async () => {
    const city = await startCity(tempDir('city-a'));
    const h = await startTestHall({ env: { CITY_NATS_URL: nats.url } });
    const site = h.running.hall.site.id;
    let second: Awaited<ReturnType<typeof startCity>> | undefined;
    try {
      await issue(h, 3);
      await until('the city sees 3 waiting', () => city.waiting(site) === 3, 15_000);
      await city.stop();
      second = await startCity(tempDir('city-b')); // an empty read model; the durable consumer is past it all
      // Asked at the city's start (the site's directives consumer names it), not at the site's next event.
      await until('the city rebuilt the site', () => second!.waiting(site) === 3, 20_000);
      expect(second.model.sites()[0]).toMatchObject({ name: '云浮市不动产登记中心', kind: 'hall', rebuilding: false });
      await issue(h, 1);
      await until('and goes on', () => second!.waiting(site) === 4, 20_000);
      expect(second.model.hasGap(site)).toBe(false);
    } finally {
      await h.stop();
      await second?.stop();
    }
  }, 60_000);

  it('replaces what a restored site undid, and takes its new events after the copy', async () => {
    const city = await startCity(tempDir('city-c'));
    const dataDir = tempDir('restored-site');
    const env = { CITY_NATS_URL: nats.url };
    let h = await startTestHall({ dataDir, env });
    const site = h.running.hall.site.id;
    try {
      await issue(h, 2);
      const backups = h.running.features.find((f) => f.name === 'nightly-backups') as NightlyBackups;
      const copy = await backups.runNow();
      await issue(h, 3); // after the copy: undone by the restore
      await until('the city sees 5 waiting', () => city.waiting(site) === 5, 15_000);
      await h.stop();
      await restoreDatabase({ file: join(dataDir, 'backups', copy.name), dataDir });
      h = await startTestHall({ dataDir, env });
      await issue(h, 1); // a new event at a seq the city saw before the restore
      const own = await siteWaiting(h);
      expect(own).toBe(3);
      await until('the city shows the restored site', () => city.waiting(site) === own, 20_000);
    } finally {
      await h.stop();
      await city.stop();
    }
  }, 60_000);
});

describe('a site whose link is down', () => {
  it('shows offline in the city view and is left out of the citizens’ summary', async () => {
    const city = await startCity(tempDir('city-live'));
    const h = await startTestHall({ env: { CITY_NATS_URL: nats.url } });
    const site = h.running.hall.site.id;
    const online = () => city.model.sites().find((s) => s.id === site)?.online;
    try {
      await until(
        'the site is seen linked',
        async () => (await city.consumer.checkLiveness(), online() === true),
        20_000,
      );
      expect(city.model.summary().map((s) => s.id)).toContain(site);
      const seenAt = city.model.sites().find((s) => s.id === site)!.lastSeenAt!;
      await h.stop();
      await until(
        'the site is no longer seen',
        async () => {
          await city.consumer.checkLiveness();
          return city.model.sites().find((s) => s.id === site)!.lastSeenAt === seenAt;
        },
        45_000,
      );
      // Unseen since: offline once OFFLINE_AFTER_MS have passed, and out of the summary.
      expect(city.model.sites(seenAt + OFFLINE_AFTER_MS)[0]).toMatchObject({ id: site, online: false });
      expect(city.model.summary(seenAt + OFFLINE_AFTER_MS).map((s) => s.id)).not.toContain(site);
    } finally {
      await city.stop();
    }
  }, 90_000);
});

describe('a sending of a long log', () => {
  it('goes back only RESEND_DAYS, led by the playbooks active now', async () => {
    const city = await startCity(tempDir('city-window'));
    const clock = manualClock(new Date().toISOString());
    const h = await startTestHall({ clock: clock.clock, env: { CITY_NATS_URL: nats.url } });
    const site = h.running.hall.site.id;
    let second: Awaited<ReturnType<typeof startCity>> | undefined;
    const nc = await connect({ servers: nats.url });
    try {
      expect((await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'petition' }, h.managerToken)).status).toBe(
        200,
      );
      const kiosk = (await h.device('kiosk-1', 'kiosk')).token; // a device's token outlives the manager's
      await issue(h, 2, kiosk);
      clock.advance((RESEND_DAYS + 1) * 24 * 60); // days later: a new hall day, yesterday's tickets gone
      await issue(h, 1, kiosk);
      const active = () => city.model.sites().find((s) => s.id === site)?.active;
      await until('the city sees the day', () => city.waiting(site) === 1 && active()?.includes('petition'), 15_000);
      await city.stop();
      second = await startCity(tempDir('city-window-b'));
      const rebuilt = () => second!.model.sites().find((s) => s.id === site);
      await until(
        'rebuilt from the window',
        () => rebuilt()?.waiting === 1 && !rebuilt()?.rebuilding && !!rebuilt()?.active.includes('petition'),
        20_000,
      );
      // What was sent again: from the last days only, the first of it the playbooks active now.
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(CITY_STREAM);
      const resent: CityEvent[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(CITY_STREAM, { seq }).catch(() => undefined);
        if (m?.subject !== `city.site.${site}.events`) continue;
        const e = m.json<CityEvent>();
        if ((e.epoch ?? 0) === (linkOf(h).acknowledged().epoch || -1)) resent.push(e);
      }
      expect(resent[0]).toMatchObject({ type: 'emergency.changed', active: ['petition'], prev: 0 });
      expect(resent[1]).toMatchObject({ type: 'hall.day_started' });
      expect(resent.filter((e) => e.type === 'hall.day_started')).toHaveLength(1);
      expect(resent.some((e) => e.type === 'playbook.activated')).toBe(false); // days before the window
    } finally {
      await nc.close();
      await h.stop();
      await second?.stop();
    }
  }, 60_000);
});
