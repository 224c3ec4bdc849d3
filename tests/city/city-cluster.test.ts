/**
 * The city end to end (issue 13), with real processes: a city cluster of three JetStream nats-servers, three sites
 * (two halls and a point, HallQ server processes, each in its own network namespace on a veth link where the machine
 * allows it, else on loopback relays) and the city process. A site's link is cut while it runs its day; restored,
 * the city shows exactly what the site did. A city server killed: nothing lost. The city process restarted: same
 * figures. A site cannot publish as another.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityAccountsConfig, type NatsUser } from '../../scripts/lib/city-auth.js';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  ensureBuilt,
  login,
  makeTempDir,
  spawnServer,
  staffAt,
  startHallProcess,
  type Api,
  type SpawnedServer,
} from '../../scripts/lib/hall-process.js';
import { startNatsCluster, type NatsNode } from '../../scripts/lib/nats-process.js';
import { cityDownSubject, citySubjects, siteInboxPrefix } from '../../protocol/city.js';
import type { CitySite } from '../../server/city/read-model.js';
import { siteLinks, type SiteLink } from '../helpers/site-links.js';
import { until } from '../helpers/until.js';

const V1 = '/api/v1';
const ADMIN_TOKEN = 'city-admin-token-for-the-test';
const reference = JSON.parse(
  readFileSync(new URL('../../config/halls/yunfu-realestate.json', import.meta.url), 'utf8'),
);
const point = JSON.parse(readFileSync(new URL('../../config/halls/yunfu-point-liudu.json', import.meta.url), 'utf8'));
const SITES = [
  { id: 'yunfu-central', file: { ...reference, hall: { ...reference.hall, id: 'yunfu-central' } } },
  {
    id: 'yunfu-district-2',
    file: { ...reference, hall: { ...reference.hall, id: 'yunfu-district-2', name: '区分中心' } },
  },
  // The point marks a no-show right after its call below: the holder's minute (noShowAfterSeconds) is not this test's.
  { id: point.hall.id as string, file: { ...point, policy: { ...point.policy, noShowAfterSeconds: 0 } } },
];

interface Site {
  id: string;
  link: SiteLink;
  server: SpawnedServer;
  api: Api & { close(): void };
  manager: string;
  staff: string;
  served: number;
}

const dir = makeTempDir('hallq-city-it-');
const city: NatsUser = { user: 'city', password: 'city-secret-1' };
const siteUsers: NatsUser[] = SITES.map((s) => ({ user: s.id, password: `${s.id}-secret` }));
const links = siteLinks();
let nats: NatsNode[] = [];
let cityProc: SpawnedServer | undefined;
const sites: Site[] = [];
const made: SiteLink[] = [];

async function startCity(): Promise<SpawnedServer> {
  return spawnServer({
    entry: 'dist/server/city/main.js',
    portEnv: 'CITY_PORT',
    readyTimeoutMs: 60_000,
    env: {
      CITY_NATS_URL: nats.map((n) => n.url).join(','),
      CITY_NATS_USER: city.user,
      CITY_NATS_PASSWORD: city.password,
      CITY_STREAM_REPLICAS: '3',
      CITY_ADMIN_TOKEN: ADMIN_TOKEN,
      DATA_DIR: join(dir, 'city'),
      LOG_LEVEL: 'warn',
    },
  });
}

async function citySites(): Promise<CitySite[]> {
  const r = await fetch(`${cityProc!.url}${V1}/city/sites`);
  return ((await r.json()) as { sites: CitySite[] }).sites;
}

/** The playbooks a site's GET /hall says are active (v2: several at once), sorted as the city view keeps them. */
function activeIds(hall: { playbooks?: { active: Array<{ playbookId: string }> } }): string[] {
  return (hall.playbooks?.active ?? []).map((p) => p.playbookId).sort();
}

/** What a site itself says: waiting, open counters, active playbook; served counted by the test. */
async function truth(s: Site) {
  // As staff see it: the city shows every playbook, a fight too, and the public view leaves such ones out.
  const hall = (await s.api('GET', `${V1}/hall`, undefined, s.manager)).body;
  return {
    id: s.id,
    waiting: hall.services.reduce((n: number, x: { waiting: number }) => n + x.waiting, 0),
    servedToday: s.served,
    openCounters: hall.counters.filter((c: { status: string }) => c.status === 'open').length,
    active: activeIds(hall),
  };
}

/** Waits until the city view shows every site as the site itself does; fails showing both. */
async function cityAgrees(what: string, timeoutMs = 45_000) {
  let last = '';
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  await until(
    what,
    async () => {
      const want = (await Promise.all(sites.map(truth))).sort(byId);
      const got = (await citySites().catch(() => []))
        .map(({ id, waiting, servedToday, openCounters, active }) => ({
          id,
          waiting,
          servedToday,
          openCounters,
          active,
        }))
        .sort(byId);
      last = JSON.stringify({ want, got });
      return JSON.stringify(want) === JSON.stringify(got);
    },
    timeoutMs,
  ).catch(() => {
    throw new Error(`${what}: the city does not agree with the sites\n${last}`);
  });
}

async function issue(s: Site, n: number) {
  for (let i = 0; i < n; i++) {
    const r = await s.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, s.manager);
    if (r.status !== 201) throw new Error(`${s.id}: issue ${r.status} ${JSON.stringify(r.body)}`);
  }
}

async function serve(s: Site, n: number) {
  for (let i = 0; i < n; i++)
    for (const step of ['call-next', 'start', 'finish']) {
      const r = await s.api('POST', `${V1}/counters/1/${step}`, {}, s.staff);
      if (r.status !== 200) throw new Error(`${s.id}: ${step} ${r.status} ${JSON.stringify(r.body)}`);
    }
  s.served += n;
}

beforeAll(async () => {
  ensureBuilt();
  if (links.mode === 'loopback')
    console.warn(`network namespaces not available (${links.reason}): the city scenario runs on loopback relays`);
  nats = await startNatsCluster(3, {
    host: links.mode === 'netns' ? '0.0.0.0' : '127.0.0.1',
    extraConfig: cityAccountsConfig(city, siteUsers),
  });
  cityProc = await startCity();
  // The sites start together: each one's namespace, hall file and process.
  const started = await Promise.all(
    SITES.map(async (def, i) => {
      const link = await links.make(
        i,
        nats.map((n) => n.port),
      );
      made.push(link);
      const hallFile = join(dir, `${def.id}.json`);
      writeFileSync(hallFile, JSON.stringify(def.file));
      const server = await startHallProcess(join(dir, def.id), {
        launcher: link.launcher,
        host: link.host,
        // Three halls start at once beside the city cluster on a 2-core machine.
        readyTimeoutMs: 60_000,
        env: {
          HALL_CONFIG: hallFile,
          CITY_NATS_URL: link.natsUrl,
          CITY_NATS_USER: def.id,
          CITY_NATS_PASSWORD: `${def.id}-secret`,
        },
      });
      const api = apiClient(server.url);
      const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
      const staff = await staffAt(api, manager, '1', `staff-${i}`);
      return { id: def.id, link, server, api, manager, staff, served: 0 };
    }),
  );
  sites.push(...started);
}, 120_000);

afterAll(async () => {
  for (const s of sites) {
    s.api.close();
    await s.server.stop(5000);
  }
  await cityProc?.stop(5000);
  await Promise.all(nats.map((n) => n.kill()));
  for (const l of made) await l.remove();
}, 60_000);

describe('the city over JetStream', () => {
  it('shows every site exactly, through a cut link, a lost city server and a city restart', async () => {
    // A morning at every site.
    for (const s of sites) {
      await issue(s, 5);
      await serve(s, 2);
    }
    await cityAgrees('the morning');
    const kinds = Object.fromEntries((await citySites()).map((s) => [s.id, s.kind]));
    expect(kinds).toEqual({ 'yunfu-central': 'hall', 'yunfu-district-2': 'hall', 'yunfu-point-liudu': 'point' });

    // The point's link is cut; it runs its day (tickets, calls, a no-show, a playbook), the others go on live.
    const [central, district, pt] = sites;
    const before = (await citySites()).find((s) => s.id === pt.id)!;
    await pt.link.cut();
    await issue(pt, 8);
    await serve(pt, 3);
    for (const step of ['call-next', 'no-show'])
      expect((await pt.api('POST', `${V1}/counters/1/${step}`, {}, pt.staff)).status).toBe(200);
    expect(
      (await pt.api('POST', `${V1}/emergency/activate`, { playbookId: 'network-outage' }, pt.manager)).status,
    ).toBe(200);
    await issue(central, 3);
    await serve(district, 1);
    // While cut, the city still shows the point as it was.
    expect((await citySites()).find((s) => s.id === pt.id)).toMatchObject({
      waiting: before.waiting,
      servedToday: before.servedToday,
      active: [],
    });
    // Long enough that the site's client gives the connection up (two missed pings) and has to reconnect.
    await until('the point notices its link is down', () => pt.server.output().includes('city link lost'), 30_000);
    await pt.link.restore();
    await cityAgrees('after the link came back', 60_000);

    // One city server of three killed: nothing lost, the sites and the city go on with the other two.
    await nats[0].kill('SIGKILL');
    await issue(district, 4);
    await serve(central, 2);
    await issue(pt, 1);
    await cityAgrees('with a city server down', 60_000);

    // The city process restarted on its own database: the same figures, nothing counted twice.
    const figures = async () => ({
      // The figures, not when each site was last heard from.
      sites: (await citySites()).map(({ lagSeconds: _l, lastSeenAt: _s, ...rest }) => rest),
      days: await (await fetch(`${cityProc!.url}${V1}/city/days`)).json(),
    });
    const beforeRestart = await figures();
    await cityProc!.stop(5000);
    cityProc = await startCity();
    await cityAgrees('after the city restarted');
    expect(await figures()).toEqual(beforeRestart);
    const day = (beforeRestart.days as { days: Array<{ issued: number; served: number; noShow: number }> }).days[0];
    expect(day).toMatchObject({ issued: 5 * 3 + 8 + 3 + 4 + 1, served: 2 * 3 + 3 + 1 + 2, noShow: 1 });

    // Down the tree: a city-wide playbook while the point is cut off. The halls apply it now, the point on return.
    const playbooksOf = async (s: Site) => activeIds((await s.api('GET', `${V1}/hall`, undefined, s.manager)).body);
    await pt.link.cut();
    const sent = await fetch(`${cityProc!.url}${V1}/city/directives`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ kind: 'playbook.activate', playbookId: 'fight', note: 'typhoon drill' }),
    });
    expect(sent.status).toBe(202);
    // And a hall-file amendment: a service's materials, applied through each site's write path.
    const materials = ['不动产登记申请书', '申请人身份证明', '城市通知：婚姻状况证明'];
    const amend = (amendment: unknown) =>
      fetch(`${cityProc!.url}${V1}/city/directives`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ kind: 'hall.amend', amendment }),
      });
    expect((await amend({ kind: 'materials', serviceId: 'one-window', materials })).status).toBe(202);
    expect((await amend({ kind: 'calendar', year: 2026, holidays: ['2026-02-30'], workdays: [] })).status).toBe(400);
    const materialsOf = async (s: Site) =>
      (await s.api('GET', `${V1}/hall`)).body.services.find((x: { id: string }) => x.id === 'one-window').materials;
    await until(
      'the halls apply the city playbook and the amendment',
      async () =>
        (await Promise.all([central, district].map(playbooksOf))).every((p) => p.includes('fight')) &&
        (await Promise.all([central, district].map(materialsOf))).every((m) => m.includes(materials[2])),
      45_000,
    );
    expect(await playbooksOf(pt)).toEqual(['network-outage']);
    expect(await materialsOf(pt)).not.toContain(materials[2]);
    await pt.link.restore();
    await until('the point applies it on return', async () => (await playbooksOf(pt)).includes('fight'), 45_000);
    await until('the point amends on return', async () => (await materialsOf(pt)).includes(materials[2]), 45_000);
    await cityAgrees('with the city playbook everywhere', 45_000);
    // Back up the tree: the point's kiosk can show the halls' waiting and estimated wait, as the city sees them.
    await until('the point knows the halls', async () => {
      const near = (await pt.api('GET', `${V1}/city/nearby`)).body;
      const city = await citySites();
      return (
        near.sites.length === 2 &&
        near.sites.every(
          (s: { id: string; waiting: number; etaMinutes: number }) =>
            s.id !== pt.id && s.waiting === city.find((c) => c.id === s.id)?.waiting && s.etaMinutes >= 0,
        )
      );
    });
    const unauthorised = await fetch(`${cityProc!.url}${V1}/city/directives`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'playbook.activate', playbookId: 'fire' }),
    });
    expect(unauthorised.status).toBe(401);
  }, 240_000);

  it('lets a site publish only its own subjects', async () => {
    const [, other] = SITES;
    const nc = await connect({
      servers: nats[1].url,
      user: SITES[2].id,
      pass: `${SITES[2].id}-secret`,
      // A site reads its replies on its own inbox prefix only (docs/city.md, Security).
      inboxPrefix: siteInboxPrefix(SITES[2].id),
    });
    try {
      const js = nc.jetstream();
      await expect(
        js.publish(citySubjects(other.id).events, new TextEncoder().encode('{}'), { timeout: 2000 }),
      ).rejects.toThrow();
      // Nor forge the city's directives to a site.
      await expect(
        js.publish(cityDownSubject(other.id), new TextEncoder().encode('{}'), { timeout: 2000 }),
      ).rejects.toThrow();
      const own = await js.publish(
        citySubjects(SITES[2].id).info,
        new TextEncoder().encode(JSON.stringify({ v: 1, site: SITES[2].id, name: point.hall.name, kind: 'point' })),
      );
      expect(own.stream).toBe('CITY');
    } finally {
      await nc.close();
    }
  }, 30_000);
});
