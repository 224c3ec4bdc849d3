/**
 * The demo hall: the real server (reference hall, embedded broker, SQLite in DATA_DIR) with counters staffed and a
 * steady trickle of citizens, so every screen has something to show. Stop with Ctrl+C.
 */
import { readEnv } from '../server/config/env.js';
import { loadHallFile } from '../server/config/load-hall.js';
import { startHallServer } from '../server/app/hall-server.js';
import { log } from '../server/log.js';
import { startSimDevices } from './lib/sim-devices.js';

const DEMO_MANAGER = 'manager:hallq-demo';
const STAFFED = ['1', '2', '3', '4', '6', '7', '8', '9', '10', '12'];

/** The integration stand-ins (msw, a dev dependency): skipped when PLATFORM_URL is set or msw is not installed. */
async function demoIntegrations() {
  if (process.env.PLATFORM_URL) return undefined;
  try {
    const { startDemoIntegrations } = await import('./lib/integrations-sim/demo-integrations.js');
    const services = loadHallFile(process.env.HALL_CONFIG).services;
    return await startDemoIntegrations(services.map((s) => s.platformCode ?? s.id));
  } catch (err) {
    process.stdout.write(`  (no integration stand-ins: ${(err as Error).message})\n`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const integrations = await demoIntegrations();
  const env = readEnv({
    HALLQ_HOURS: 'always',
    HALLQ_BOOTSTRAP_MANAGER: DEMO_MANAGER,
    ...integrations?.env,
    ...process.env,
  });
  log.setLevel(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
  const running = await startHallServer(env, { onFatal: () => process.exit(70) });
  const base = `${running.url}/api/v1`;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json().catch(() => ({}))) as any };
  };
  const [user, password] = DEMO_MANAGER.split(':');
  const login = await call('POST', '/auth/login', { username: user, password });
  const manager = login.body.token as string | undefined;
  if (!manager) {
    process.stdout.write(
      `\n  The demo hall is running at ${running.url} (its manager account predates the demo; no demo traffic).\n`,
    );
    return;
  }
  // Staff for the demo counters.
  const staff: Record<string, string> = {};
  for (const counterId of STAFFED) {
    const username = `staff${counterId}`;
    await call(
      'POST',
      '/staff',
      { username, password: 'hallq-demo', name: `工作人员${counterId}`, role: 'counter' },
      manager,
    );
    const token = (await call('POST', '/auth/login', { username, password: 'hallq-demo' })).body.token;
    await call('POST', `/counters/${counterId}/sign-in`, {}, token);
    staff[counterId] = token;
  }
  await call('POST', '/counters/5/sign-in', {}, manager);
  await call('POST', '/counters/5/pause', { reason: '临时离开，5分钟后回来' }, manager);

  const sim = await startSimDevices({
    api: (m, p, b, t) => call(m, p.replace(/^\/api\/v1/, ''), b, t),
    managerToken: manager,
    mqttUrl: running.mqttUrl,
    hallId: running.hall.site.id,
    counters: running.hall.hallFile.counters.map((c) => c.id),
  });
  const existingPad = (await call('GET', '/devices', undefined, manager)).body.devices?.some(
    (d: { id: string }) => d.id === 'pad-3',
  );
  if (existingPad) await call('DELETE', '/devices/pad-3', undefined, manager);
  const pad = (await call('POST', '/devices', { id: 'pad-3', kind: 'pad', counterId: '3' }, manager)).body.token;

  const services = ['one-window', 'one-window', 'mortgage', 'enterprise', 'query', 'payment', 'certificate', 'consult'];
  for (let i = 0; i < 14; i++)
    await call('POST', '/tickets', { serviceId: services[i % services.length], channel: 'kiosk' }, manager);

  process.stdout.write(
    [
      '',
      `  HallQ demo hall: ${running.url}`,
      `    kiosk          ${running.url}/kiosk?token=${sim.kioskToken}`,
      `    counter        ${running.url}/counter      (staff<counter>, e.g. staff3 / hallq-demo)`,
      `    hall display   ${running.url}/display`,
      `    counter LED    ${running.url}/display/counter/3`,
      `    pad            ${running.url}/pad/3?token=${pad}`,
      `    manager        ${running.url}/manager      (${user} / ${password})`,
      `    MQTT           ${running.mqttUrl}`,
      `    stand-ins      ${integrations ? `${integrations.url} (appointment platform, SMS gateway, registration)` : 'off'}`,
      '',
    ].join('\n') + '\n',
  );

  // A steady trickle: a citizen every few seconds, counters finishing and calling.
  const timer = setInterval(async () => {
    try {
      // Some citizens leave a phone number: they get the turn-near SMS.
      const phone =
        Math.random() < 0.3 ? { phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` } : {};
      if (Math.random() < 0.6)
        await call(
          'POST',
          '/tickets',
          { serviceId: services[Math.floor(Math.random() * services.length)], channel: 'kiosk', ...phone },
          manager,
        );
      const counterId = STAFFED[Math.floor(Math.random() * STAFFED.length)];
      const token = staff[counterId];
      const q = await call('GET', `/counters/${counterId}/queue`, undefined, token);
      const current = q.body.current;
      if (current?.status === 'called') await call('POST', `/counters/${counterId}/start`, {}, token);
      else await call('POST', `/counters/${counterId}/call-next`, {}, token);
    } catch {
      /* the demo shrugs */
    }
  }, 4000);
  const stop = async () => {
    clearInterval(timer);
    await sim.stop();
    await running.stop();
    await integrations?.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
