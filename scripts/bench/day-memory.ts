/**
 * The server's memory in a hall's busy state: after a day of N tickets (issued, called, started, finished), with
 * M hall displays on the live stream and D devices connected over MQTT — the state a black-box run measured
 * (97 MB with 500 displays, 104 MB with 200 devices more, after 2,000 tickets). Then, in the same run, a bare `ws`
 * server (ws-bench's baseline) idle and with as many displays.
 *
 *   node dist/scripts/bench/day-memory.js [--tickets 2000] [--displays 500] [--devices 200]
 */
import mqtt, { type MqttClient } from 'mqtt';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { projectRoot } from '../../server/config/project-root.js';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  freePort,
  login,
  makeTempDir,
  removeTempDir,
  rssBytes,
  rssParts,
  sleep,
  spawnServer,
  startCommand,
  startHallProcess,
  watchdog,
} from '../lib/hall-process.js';
import { LeanWsClient } from './lean-ws-client.js';
import { atMost, mb, table } from './stats.js';

/** Issues 8 and 15: the server's RSS after the day, with the displays and devices connected, once quiet. */
const DAY_RSS_TARGET_BYTES = 80 * 1024 * 1024;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tickets: { type: 'string', default: '2000' },
      displays: { type: 'string', default: '500' },
      devices: { type: 'string', default: '200' },
      'hall-entry': { type: 'string' },
    },
  });
  const tickets = Number(values.tickets);
  const displays = Number(values.displays);
  const devices = Number(values.devices);
  watchdog(15 * 60_000, 'day-memory');
  const dataDir = makeTempDir('hallq-day-memory-');
  const mqttPort = await freePort();
  // The load run's heap probe, preloaded: the V8 heap beside the RSS (what is data, what is reserved, what is outside).
  const heapFile = join(dataDir, 'heap-probe.json');
  const probe = join(projectRoot(), 'dist', 'scripts', 'load', 'heap-probe.js');
  const server = await startHallProcess(dataDir, {
    env: { MQTT_PORT: String(mqttPort), HALLQ_HEAP_PROBE_FILE: heapFile },
    nodeArgs: [...startCommand().nodeArgs, '--import', pathToFileURL(probe).href],
    entry: values['hall-entry'],
  });
  const api = apiClient(server.url, 30_000);
  const rows: string[][] = [
    ['state', 'server RSS', 'of it anon / files', 'V8 heap used', 'V8 heap reserved', 'external'],
  ];
  /** The RSS of the latest sample: after the loop, the quiet state the target is about. */
  let quietRss: number | undefined;
  const sample = async (what: string) => {
    // The probe writes once a second: its figure is from the same quiet second as the RSS.
    await sleep(1200);
    const heap = existsSync(heapFile)
      ? (JSON.parse(readFileSync(heapFile, 'utf8')) as { heapUsed: number; heapTotal: number; external: number })
      : undefined;
    quietRss = rssBytes(server.pid);
    rows.push([what, mb(quietRss), parts(server.pid), mb(heap?.heapUsed), mb(heap?.heapTotal), mb(heap?.external)]);
  };
  const sockets: LeanWsClient[] = [];
  const clients: MqttClient[] = [];
  try {
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    await sample('started, idle');
    // The day: counter 1 serves every ticket, ten kiosks issuing at a time.
    await api('POST', '/api/v1/counters/1/sign-in', {}, manager);
    let issued = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (issued++ < tickets) await api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, manager);
      }),
    );
    for (let i = 0; i < tickets; i++) {
      await api('POST', '/api/v1/counters/1/call-next', {}, manager);
      await api('POST', '/api/v1/counters/1/start', {}, manager);
    }
    await api('POST', '/api/v1/counters/1/finish', {}, manager);
    await sample(`after ${tickets} tickets`);
    await openDisplays(server.url, displays, sockets);
    await sample(`+ ${displays} displays on the stream`);
    for (let i = 0; i < devices; i++) {
      const id = `mem-led-${i}`;
      const r = await api('POST', '/api/v1/devices', { id, kind: 'display' }, manager);
      await new Promise<void>((resolve, reject) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { ...r.body.mqtt, clientId: id, reconnectPeriod: 0 });
        clients.push(c);
        c.once('error', reject);
        c.once('connect', () => resolve());
      });
    }
    await sample(`+ ${devices} devices over MQTT`);
    // A hall after its rush: nothing written for a while (the heap trim waits 10 s without commands).
    await sleep(20_000);
    await sample('the same, 20 s later, quiet');
    // V8's memory reducer gives the young generation back once allocation has stayed low for a while.
    await sleep(40_000);
    await sample('the same, 60 s later, quiet');
  } finally {
    for (const s of sockets) s.close();
    for (const c of clients) c.end(true);
    api.close();
    await server.stop();
    removeTempDir(dataDir);
  }
  rows.push(...(await bareWs(displays)));
  console.log(`Server memory in a day's state (${tickets} tickets, ${displays} displays, ${devices} devices)`);
  console.log(table(rows));
  console.log(
    `target: RSS ≤ ${mb(DAY_RSS_TARGET_BYTES)} in the last, quiet state: ${atMost(quietRss, DAY_RSS_TARGET_BYTES)}`,
  );
}

/** RSS in anonymous memory and in mapped files' pages (the node binary, ICU data, libraries). */
function parts(pid: number): string {
  const p = rssParts(pid);
  return p ? `${mb(p.anon)} / ${mb(p.file)}` : 'n/a';
}

/** Connects `count` displays to the server's `/ws`, fifty at a time, into `sockets`. */
async function openDisplays(url: string, count: number, sockets: LeanWsClient[]): Promise<void> {
  for (let i = 0; i < count; i += 50)
    sockets.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, () =>
          LeanWsClient.open(url.replace(/^http/, 'ws') + '/ws', () => {}),
        ),
      )),
    );
}

/** The baseline beside it: ws-bench's bare `ws` server, idle and with as many displays (lean clients) connected. */
async function bareWs(displays: number): Promise<string[][]> {
  // Beside this file: .js from dist/, or .ts through the loader (tsx) this process was started with.
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const bare = await spawnServer({
    entry: join(dirname(here), `bare-ws-server.${fromSource ? 'ts' : 'js'}`),
    nodeArgs: fromSource ? process.execArgv : [],
  });
  const sockets: LeanWsClient[] = [];
  try {
    await sleep(1200);
    const idle = [mb(rssBytes(bare.pid)), parts(bare.pid)];
    await openDisplays(bare.url, displays, sockets);
    await sleep(1200);
    return [
      ['baseline: bare ws server, idle', ...idle, '', '', ''],
      [`baseline: bare ws server + ${displays} clients`, mb(rssBytes(bare.pid)), parts(bare.pid), '', '', ''],
    ];
  } finally {
    for (const s of sockets) s.close();
    await bare.stop();
  }
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
