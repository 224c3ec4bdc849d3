/**
 * `npm run devices:sim`: simulated printers, LED boards, a speaker and buttons for a running hall, so `npm start`
 * plus this shows a living hall without hardware. Env: HALLQ_URL (http://localhost:8080), MQTT_URL
 * (mqtt://127.0.0.1:1883), HALLQ_MANAGER (user:password).
 */
import { startSimDevices } from './lib/sim-devices.js';

async function main(): Promise<void> {
  const base = process.env.HALLQ_URL ?? 'http://localhost:8080';
  const mqttUrl = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const [username, password] = (process.env.HALLQ_MANAGER ?? 'manager:hallq-demo').split(':');
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json().catch(() => ({})) };
  };
  const login = await api('POST', '/api/v1/auth/login', { username, password });
  if (login.status !== 200)
    throw new Error(`manager login failed (set HALLQ_MANAGER=user:password): ${JSON.stringify(login.body)}`);
  const hall = (await api('GET', '/api/v1/hall')).body;
  const sim = await startSimDevices({
    api,
    managerToken: login.body.token,
    mqttUrl,
    hallId: hall.id,
    counters: hall.counters.map((c: { id: string }) => c.id),
    say: (text, lang) => process.stdout.write(`🔊 [${lang}] ${text}\n`),
  });
  process.stdout.write(
    `simulated devices online for ${hall.name}; kiosk token: ${sim.kioskToken}\n  kiosk: ${base}/kiosk?token=${sim.kioskToken}\n`,
  );
  const stop = async () => {
    await sim.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
