/**
 * Call → MQTT message at subscribed devices, with 200 connected devices, beside a raw publish → receive through the
 * same broker in the same run. Target: p99 within 2× the raw baseline. Prints figures; never fails on timing.
 *
 *   node dist/scripts/bench/mqtt-bench.js [--devices 200] [--calls 60]
 */
import mqtt, { type MqttClient } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../../server/mqtt/server-credentials.js';
import { apiClient, BOOTSTRAP_MANAGER, freePort, login, sleep, startHallProcess } from '../lib/hall-process.js';
import { ms, summarize, table, times, verdict } from './stats.js';

const HALL = 'yunfu-realestate';
const t = topics(HALL);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface MqttBenchResult {
  devices: number;
  /** All devices connecting at once (a hall's restart): the first CONNECT → the last CONNACK, logins checked. */
  loginsMs: number;
  call: ReturnType<typeof summarize>;
  /**
   * Per call: request sent → the HTTP answer (the commit and its fsync; the fan-out to the broker starts before the
   * answer is written), and the answer → the last device's message: where a slow call's time went.
   */
  answered: ReturnType<typeof summarize>;
  fanOut: ReturnType<typeof summarize>;
  raw: ReturnType<typeof summarize>;
}

export async function runMqttBench(devices = arg('devices', 200), calls = arg('calls', 60)): Promise<MqttBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-mqtt-bench-'));
  const mqttPort = await freePort();
  const server = await startHallProcess(dataDir, { env: { MQTT_PORT: String(mqttPort) } });
  const api = apiClient(server.url);
  const clients: MqttClient[] = [];
  try {
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    // Devices: LED boards of the hall (no counter), each subscribed to counter 1's retained state.
    const creds: Array<{ id: string; username: string; password: string }> = [];
    for (let i = 0; i < devices; i++) {
      const id = `bench-led-${i}`;
      const r = await api('POST', '/api/v1/devices', { id, kind: 'display' }, manager);
      creds.push({ id, ...r.body.mqtt });
    }
    let onMessage: (i: number, topic: string, payload: Buffer) => void = () => {};
    const loginsFrom = performance.now();
    await Promise.all(
      creds.map(
        (c, i) =>
          new Promise<void>((resolve, reject) => {
            const client = mqtt.connect(url, {
              username: c.username,
              password: c.password,
              clientId: c.id,
              reconnectPeriod: 0,
              // 200 logins at once: with device rows from before 2026-12 (scrypt) they took longer than mqtt.js's 30 s.
              connectTimeout: 180_000,
            });
            clients.push(client);
            client.on('message', (topic, payload) => onMessage(i, topic, payload));
            client.once('error', reject);
            client.once('connect', () => {
              client.subscribe([t.counterState('1'), `${t.root}/state/bench`], { qos: 1 }, () => resolve());
            });
          }),
      ),
    );

    const loginsMs = performance.now() - loginsFrom;

    // Hall: counter 1 open, enough tickets waiting.
    await api('POST', '/api/v1/counters/1/sign-in', {}, manager);
    for (let i = 0; i < calls + 5; i++) await api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, manager);
    await sleep(500);

    // The server's call: request sent → every device has the new number.
    const callSamples: number[] = [];
    const answeredSamples: number[] = [];
    const fanOutSamples: number[] = [];
    for (let k = 0; k < calls; k++) {
      if (k > 0) {
        // Untimed: start the called ticket and let its state reach every device, so no earlier fan-out is still in
        // flight when the call is timed (the baseline's publishes don't overlap either).
        const seenServing = new Set<number>();
        const served = new Promise<void>((resolve) => {
          onMessage = (i, topic, payload) => {
            if (topic !== t.counterState('1') || JSON.parse(payload.toString()).ticketStatus !== 'serving') return;
            seenServing.add(i);
            if (seenServing.size === devices) resolve();
          };
        });
        await api('POST', '/api/v1/counters/1/start', {}, manager);
        await Promise.race([served, sleep(5000)]);
        await sleep(20);
      }
      let expected = '';
      const got = new Set<number>();
      const started = performance.now();
      let lastAt = started;
      const done = new Promise<void>((resolve) => {
        onMessage = (i, topic, payload) => {
          if (topic !== t.counterState('1') || got.has(i)) return;
          const p = JSON.parse(payload.toString());
          if (p.ticketStatus !== 'called' || (expected && p.number !== expected)) return;
          got.add(i);
          lastAt = performance.now();
          callSamples.push(lastAt - started);
          if (got.size === devices) resolve();
        };
      });
      const r = await api('POST', '/api/v1/counters/1/call-next', {}, manager);
      const answeredAt = performance.now();
      expected = r.body.ticket.number;
      await Promise.race([done, sleep(5000)]);
      answeredSamples.push(answeredAt - started);
      // A call no device saw is no fan-out figure (it shows as missing deliveries instead).
      if (got.size > 0) fanOutSamples.push(Math.max(0, lastAt - answeredAt));
    }

    // Baseline: a bare publish through the same broker to the same subscribers.
    const raw = mqtt.connect(url, {
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(dataDir),
      clientId: `${SERVER_MQTT_USERNAME}-bench`,
    });
    clients.push(raw);
    await new Promise((resolve, reject) => {
      raw.once('connect', resolve);
      raw.once('error', reject);
    });
    const rawSamples: number[] = [];
    for (let k = 0; k < calls; k++) {
      const got = new Set<number>();
      const started = performance.now();
      let lastAt = started;
      await new Promise<void>((resolve) => {
        onMessage = (i, topic) => {
          if (topic !== `${t.root}/state/bench` || got.has(i)) return;
          got.add(i);
          rawSamples.push(performance.now() - started);
          if (got.size === devices) resolve();
        };
        raw.publish(`${t.root}/state/bench`, JSON.stringify({ k }), { qos: 1 });
        setTimeout(resolve, 5000);
      });
      await sleep(20);
    }
    return {
      devices,
      loginsMs,
      call: summarize(callSamples),
      answered: summarize(answeredSamples),
      fanOut: summarize(fanOutSamples),
      raw: summarize(rawSamples),
    };
  } finally {
    for (const c of clients) c.end(true);
    api.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printMqttBench(r: MqttBenchResult): void {
  console.log(`\nMQTT: call → message at each of ${r.devices} subscribed devices (embedded broker)`);
  console.log(
    table([
      ['measure', 'p50', 'p99', 'max', 'samples'],
      ['call-next → device gets counter state', ms(r.call.p50), ms(r.call.p99), ms(r.call.max), String(r.call.n)],
      ['raw publish → receive (baseline)', ms(r.raw.p50), ms(r.raw.p99), ms(r.raw.max), String(r.raw.n)],
      [
        'per call: request → HTTP answer (commit)',
        ms(r.answered.p50),
        ms(r.answered.p99),
        ms(r.answered.max),
        String(r.answered.n),
      ],
      ['per call: answer → last device', ms(r.fanOut.p50), ms(r.fanOut.p99), ms(r.fanOut.max), String(r.fanOut.n)],
    ]),
  );
  console.log(
    `p99 ratio to baseline: ${times(r.call.p99, r.raw.p99)} (target ≤ 2×: ${verdict(r.call.p99, 2 * r.raw.p99)})`,
  );
  console.log(`${r.devices} devices connecting at once, logged in and subscribed: ${ms(r.loginsMs)}`);
}

if (process.argv[1]?.endsWith('mqtt-bench.js') || process.argv[1]?.endsWith('mqtt-bench.ts')) {
  runMqttBench().then(printMqttBench, (err) => {
    console.error(err);
    process.exit(1);
  });
}
