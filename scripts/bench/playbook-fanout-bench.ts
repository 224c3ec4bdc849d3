/**
 * Playbook fan-out benchmark: 500 WebSocket screens on the real server (child process). A device trigger's MQTT
 * message through the embedded broker — the fire panel's `evt/alarm {active: true}`, or the door counter's count
 * above 150, in turn — starts a playbook; timed from the publish to each screen receiving the `emergency.changed` that
 * carries it. Baseline in the same run: a bare `ws` server broadcasting the very same bytes per POST. The issue's
 * target: hall p99 within 1.3× of the baseline's. Prints figures; never fails on timing.
 *
 *   node dist/scripts/bench/playbook-fanout-bench.js [--clients 500] [--rounds 25] [--client lean|ws]
 */
import mqtt, { type MqttClient } from 'mqtt';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  freePort,
  login,
  makeTempDir,
  removeTempDir,
  sleep,
  startHallProcess,
  watchdog,
  type Api,
} from '../lib/hall-process.js';
import { table } from './stats.js';
import {
  bareFanout,
  deliveryCells,
  measureFanout,
  ratioCells,
  WARM_UP_ROUNDS,
  wsBenchArgs,
  type FanoutResult,
  type Listeners,
  type WsBenchOptions,
} from './ws-bench.js';

export const P99_VS_BASELINE_TARGET = 1.3;
const ACTIVATED = '"kind":"activated"';
const DEACTIVATED = '"kind":"deactivated"';
/**
 * Each device may report 20 times at once, then once every 2 s (docs/devices.md): two devices in turn and a round at
 * most once a second keep every alarm inside that budget, so no report waits for the limiter.
 */
const MIN_ROUND_MS = 1000;

/** A trigger device of the reference hall, with the readings that start and end its playbook. */
interface TriggerDevice {
  id: string;
  event: 'alarm' | 'count';
  start: Record<string, unknown>;
  end: Record<string, unknown>;
}

const DEVICES: TriggerDevice[] = [
  { id: 'fire-panel', event: 'alarm', start: { active: true }, end: { active: false } },
  { id: 'door-counter', event: 'count', start: { inside: 151 }, end: { inside: 100 } },
];

export interface PlaybookBenchResult {
  options: WsBenchOptions;
  hall: FanoutResult;
  baseline: FanoutResult;
  /** Bytes of the public `emergency.changed` message both servers sent. */
  messageBytes: number;
}

async function connectDevice(url: string, api: Api, manager: string, d: TriggerDevice): Promise<MqttClient> {
  const r = await api('POST', '/api/v1/devices', { id: d.id, kind: 'sensor' }, manager);
  if (r.status !== 201) throw new Error(`register ${d.id}: ${r.status} ${JSON.stringify(r.body)}`);
  const client = mqtt.connect(url, {
    username: r.body.mqtt.username,
    password: r.body.mqtt.password,
    clientId: r.body.mqtt.username,
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** Starts or ends a device's playbook by its MQTT reading; resolves once the broker has it (QoS 1). */
function publisher(hallId: string, clients: Map<string, MqttClient>) {
  const t = topics(hallId);
  let n = 0;
  return (d: TriggerDevice, on: boolean) =>
    clients
      .get(d.id)!
      .publishAsync(t.deviceEvt(d.id, d.event), JSON.stringify({ id: `bench-${++n}`, ...(on ? d.start : d.end) }), {
        qos: 1,
      })
      .then(() => undefined);
}

/** The public message the screens get when `trigger` starts a playbook (one plain `ws` client, untimed). */
async function sampleMessage(wsUrl: string, trigger: () => Promise<void>): Promise<string> {
  const ws = new WebSocket(wsUrl);
  try {
    const got = new Promise<string>((resolve, reject) => {
      ws.on('message', (data) => {
        const text = data.toString();
        if (text.includes(ACTIVATED)) resolve(text);
      });
      ws.once('error', reject);
      setTimeout(() => reject(new Error('no emergency.changed within 10 s')), 10_000).unref();
    });
    await new Promise((r) => ws.once('open', r));
    await trigger();
    return await got;
  } finally {
    ws.terminate();
  }
}

async function hallRun(options: WsBenchOptions): Promise<{ result: FanoutResult; sample: string }> {
  const dataDir = makeTempDir('hallq-bench-playbook-');
  const mqttPort = await freePort();
  const server = await startHallProcess(dataDir, { env: { MQTT_PORT: String(mqttPort) } });
  const api = apiClient(server.url, 30_000);
  const clients = new Map<string, MqttClient>();
  try {
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    const hallId = (await api('GET', '/api/v1/hall')).body.id ?? 'yunfu-realestate';
    for (const d of DEVICES) clients.set(d.id, await connectDevice(`mqtt://127.0.0.1:${mqttPort}`, api, manager, d));
    const publish = publisher(hallId, clients);
    const wsUrl = server.url.replace(/^http/, 'ws') + '/ws';
    const sample = await sampleMessage(wsUrl, () => publish(DEVICES[0], true));
    await publish(DEVICES[0], false);
    await sleep(MIN_ROUND_MS);

    let round = 0;
    let roundStart = 0;
    const result = await measureFanout(
      server,
      options,
      async () => {
        roundStart = performance.now();
        await publish(DEVICES[round % DEVICES.length], true);
      },
      // Untimed: ends it again, waits until every screen has seen that, and keeps to the devices' report rate.
      async (listeners: Listeners) => {
        await listeners.expect(DEACTIVATED, () => publish(DEVICES[round++ % DEVICES.length], false), 10_000);
        const wait = MIN_ROUND_MS - (performance.now() - roundStart);
        if (wait > 0) await sleep(wait);
      },
      ACTIVATED,
    );
    return { result, sample };
  } finally {
    for (const c of clients.values()) c.end(true);
    api.close();
    await server.stop();
    removeTempDir(dataDir);
  }
}

export async function runPlaybookBench(options: WsBenchOptions): Promise<PlaybookBenchResult> {
  const { result: hall, sample } = await hallRun(options);
  const baseline = await bareFanout(options, sample, ACTIVATED);
  return { options, hall, baseline, messageBytes: Buffer.byteLength(sample) };
}

export function formatPlaybookBench(r: PlaybookBenchResult): string {
  const ratio = r.hall.delivery.p99 / r.baseline.delivery.p99;
  const row = (name: string, f: FanoutResult, vs?: FanoutResult) => [name, ...deliveryCells(f), ...ratioCells(f, vs)];
  return [
    `Playbook fan-out (${r.options.clients} public ${r.options.client} screens, ${r.options.rounds} timed activations ` +
      `after ${WARM_UP_ROUNDS} untimed; message ${r.messageBytes} bytes; servers: child processes)`,
    table([
      [
        'trigger → banner on each screen',
        'deliveries',
        'missed',
        'p50',
        'p99',
        'max',
        'p50 vs baseline',
        'p99 vs baseline',
      ],
      row('hall: device MQTT alarm → emergency.changed', r.hall, r.baseline),
      row('baseline: bare ws broadcast of the same bytes', r.baseline),
    ]),
    `p99 within ${P99_VS_BASELINE_TARGET}× of the baseline: ${ratio <= P99_VS_BASELINE_TARGET ? 'met' : 'NOT met'} ` +
      `(${ratio.toFixed(2)}×)`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = wsBenchArgs(process.argv.slice(2));
  if (!process.argv.includes('--rounds')) options.rounds = 25;
  watchdog((120 + options.rounds * 2.5 + options.clients * 0.04) * 1000, 'playbook-fanout-bench');
  runPlaybookBench(options).then(
    (r) => console.log(formatPlaybookBench(r)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
