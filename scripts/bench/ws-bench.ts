/**
 * WebSocket fan-out benchmark: 500 public /ws clients on the real server (child process), time from sending call-next
 * to each client receiving ticket.called, and the server's RSS; baseline: a bare `ws` server (child process) doing
 * one broadcast per request, measured the same way. Prints figures; never fails on timing.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { LeanWsClient } from './lean-ws-client.js';
import {
  apiClient,
  BOOTSTRAP_MANAGER,
  login,
  makeTempDir,
  removeTempDir,
  rssBytes,
  sleep,
  spawnServer,
  startHallProcess,
  watchdog,
  type Api,
  type SpawnedServer,
} from '../lib/hall-process.js';
import { mb, ms, summarize, table, times, verdict, type Summary } from './stats.js';

export const CALL_TO_EVENT_P99_TARGET_MS = 10;
export const RSS_TARGET_BYTES = 100 * 1024 * 1024;
/** Untimed calls before the timed ones. */
export const WARM_UP_ROUNDS = 5;
const CALLED = '"type":"ticket.called"';
const STARTED = '"type":"ticket.started"';

/** `lean`: a minimal hand-parsed client (the default, see lean-ws-client.ts); `ws`: the `ws` library's client. */
export type ClientKind = 'lean' | 'ws';

export interface WsBenchOptions {
  clients: number;
  rounds: number;
  client: ClientKind;
}

export interface FanoutResult {
  /** Request sent → each client's message, over all clients and rounds. */
  delivery: Summary;
  /** Request sent → HTTP answer. */
  request: Summary;
  /** Deliveries that did not arrive within the round's timeout. */
  missed: number;
  rssIdle?: number;
  rssConnected?: number;
  rssEnd?: number;
}

export interface WsBenchResult {
  options: WsBenchOptions;
  hall: FanoutResult;
  baseline: FanoutResult;
}

/** Many WebSocket clients, armed to time the next message that contains a marker. */
export class Listeners {
  private marker: Buffer | undefined;
  private arrivals = new Float64Array(0);
  private remaining = 0;
  private allArrived: (() => void) | undefined;

  private constructor(private readonly closers: (() => void)[]) {}

  get count(): number {
    return this.closers.length;
  }

  /** Opens `n` clients, `concurrency` at a time, each ready once its first message (the snapshot) has arrived. */
  static async connect(url: string, n: number, kind: ClientKind, concurrency = 50): Promise<Listeners> {
    const l = new Listeners([]);
    for (let i = 0; i < n; i += concurrency) {
      const batch = Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => l.open(url, i + j, kind));
      l.closers.push(...(await Promise.all(batch)));
    }
    return l;
  }

  /** One client; resolves to its closer once the snapshot arrived. */
  private open(url: string, index: number, kind: ClientKind): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let ready: (() => void) | undefined;
      const timer = setTimeout(() => reject(new Error(`client ${index}: no snapshot within 10 s`)), 10_000);
      const onMessage = (data: Buffer) => {
        if (ready) {
          clearTimeout(timer);
          const r = ready;
          ready = undefined;
          return r();
        }
        this.received(index, data);
      };
      if (kind === 'ws') {
        const ws = new WebSocket(url);
        ready = () => resolve(() => ws.terminate());
        ws.once('error', reject);
        ws.on('message', (data) => onMessage(data as Buffer));
      } else {
        let client: LeanWsClient | undefined;
        ready = () => resolve(() => client?.close());
        LeanWsClient.open(url, onMessage).then((c) => (client = c), reject);
      }
    });
  }

  private received(index: number, data: Buffer): void {
    if (this.marker === undefined || this.arrivals[index] >= 0) return;
    const at = performance.now();
    if (!data.includes(this.marker)) return;
    this.arrivals[index] = at;
    if (--this.remaining === 0) this.allArrived?.();
  }

  /** Arms for `marker`, runs `trigger`, waits for every client (at most `timeoutMs`); arrival times, -1 when missed. */
  async expect(marker: string, trigger: () => Promise<void>, timeoutMs = 5000): Promise<Float64Array> {
    this.marker = Buffer.from(marker);
    this.arrivals = new Float64Array(this.count).fill(-1);
    this.remaining = this.count;
    const all = new Promise<void>((resolve) => (this.allArrived = resolve));
    await trigger();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.marker = undefined;
    return this.arrivals;
  }

  close(): void {
    for (const close of this.closers) close();
  }
}

/** Connects the clients to `server`, then times `rounds` triggers of `marker`; `between` runs untimed after each. */
export async function measureFanout(
  server: SpawnedServer,
  options: WsBenchOptions,
  trigger: () => Promise<void>,
  between?: (listeners: Listeners) => Promise<void>,
  marker = CALLED,
): Promise<FanoutResult> {
  const rssIdle = rssBytes(server.pid);
  const listeners = await Listeners.connect(server.url.replace(/^http/, 'ws') + '/ws', options.clients, options.client);
  try {
    await sleep(500);
    const rssConnected = rssBytes(server.pid);
    const delivery: number[] = [];
    const request: number[] = [];
    let missed = 0;
    // The first rounds run before both processes' JIT has compiled the paths (20+ ms each): not counted, as with
    // api-bench's warm-up.
    for (let round = -WARM_UP_ROUNDS; round < options.rounds; round++) {
      const t0 = performance.now();
      let requestMs = 0;
      const arrivals = await listeners.expect(marker, async () => {
        await trigger();
        requestMs = performance.now() - t0;
      });
      await between?.(listeners);
      if (round < 0) continue;
      request.push(requestMs);
      for (const at of arrivals) {
        if (at < 0) missed++;
        else delivery.push(at - t0);
      }
    }
    return {
      delivery: summarize(delivery),
      request: summarize(request),
      missed,
      rssIdle,
      rssConnected,
      rssEnd: rssBytes(server.pid),
    };
  } finally {
    listeners.close();
  }
}

async function hallFanout(options: WsBenchOptions): Promise<FanoutResult> {
  const dataDir = makeTempDir('hallq-bench-ws-');
  const server = await startHallProcess(dataDir);
  const api: Api & { close(): void } = apiClient(server.url, 30_000);
  const expectOk = async (what: string, p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status < 200 || r.status > 299) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  try {
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    await expectOk('sign-in', api('POST', '/api/v1/counters/1/sign-in', {}, manager));
    // Enough waiting tickets for every round, issued before anyone listens.
    let issued = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (issued++ < options.rounds + WARM_UP_ROUNDS + 1)
          await expectOk('issue', api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, manager));
      }),
    );
    return await measureFanout(
      server,
      options,
      async () => {
        const r = await expectOk('call-next', api('POST', '/api/v1/counters/1/call-next', {}, manager));
        if (!r.body.ticket) throw new Error('call-next called no one');
      },
      // Start the called ticket (the next call-next finishes it); wait until every client has seen it, untimed.
      async (listeners) => {
        await listeners.expect(
          STARTED,
          async () => void (await expectOk('start', api('POST', '/api/v1/counters/1/start', {}, manager))),
        );
      },
    );
  } finally {
    api.close();
    await server.stop();
    removeTempDir(dataDir);
  }
}

/** The baseline: a bare `ws` server broadcasting a ticket.called-shaped message, or `message` as it is, per round. */
export async function bareFanout(options: WsBenchOptions, message?: string, marker = CALLED): Promise<FanoutResult> {
  // Run beside this file: .js from dist/, or .ts through the loader (tsx) this process was started with.
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const server = await spawnServer({
    entry: join(dirname(here), `bare-ws-server.${fromSource ? 'ts' : 'js'}`),
    nodeArgs: fromSource ? process.execArgv : [],
  });
  const api = apiClient(server.url, 30_000);
  try {
    return await measureFanout(
      server,
      options,
      async () => {
        const r = await api('POST', '/broadcast', message === undefined ? {} : { message });
        if (r.status !== 200) throw new Error(`broadcast: ${r.status}`);
      },
      undefined,
      marker,
    );
  } finally {
    api.close();
    await server.stop();
  }
}

export async function runWsBench(options: WsBenchOptions): Promise<WsBenchResult> {
  const baseline = await bareFanout(options);
  const hall = await hallFanout(options);
  return { options, hall, baseline };
}

/** A fan-out's table cells: deliveries, missed, p50, p99, max. */
export const deliveryCells = (f: FanoutResult) => [
  String(f.delivery.n),
  String(f.missed),
  ms(f.delivery.p50),
  ms(f.delivery.p99),
  ms(f.delivery.max),
];

/** Its p50 and p99 against the baseline's (none: it is the baseline). */
export const ratioCells = (f: FanoutResult, vs?: FanoutResult) => [
  vs ? times(f.delivery.p50, vs.delivery.p50) : '1.0×',
  vs ? times(f.delivery.p99, vs.delivery.p99) : '1.0×',
];

export function formatWsBench(r: WsBenchResult): string {
  const { hall, baseline } = r;
  const row = (name: string, f: FanoutResult, vs?: FanoutResult) => [
    name,
    ...deliveryCells(f),
    ms(f.request.p50),
    ...ratioCells(f, vs),
    vs ? `p99 < ${CALL_TO_EVENT_P99_TARGET_MS} ms: ${verdict(f.delivery.p99, CALL_TO_EVENT_P99_TARGET_MS)}` : '',
  ];
  const rss = (name: string, f: FanoutResult, target: boolean) => [
    name,
    mb(f.rssIdle),
    mb(f.rssConnected),
    f.rssIdle !== undefined && f.rssConnected !== undefined ? mb(f.rssConnected - f.rssIdle) : 'n/a',
    mb(f.rssEnd),
    target ? `< ${mb(RSS_TARGET_BYTES)} with clients: ${verdict(f.rssConnected, RSS_TARGET_BYTES)}` : '',
  ];
  return [
    `WebSocket benchmark (${r.options.clients} public ${r.options.client} clients, ${r.options.rounds} timed calls after ${WARM_UP_ROUNDS} untimed; servers: child processes)`,
    table([
      [
        'call → event',
        'deliveries',
        'missed',
        'p50',
        'p99',
        'max',
        'request p50',
        'p50 vs baseline',
        'p99 vs baseline',
        'target',
      ],
      row('hall: call-next → ticket.called', hall, baseline),
      row('baseline: bare ws broadcast', baseline),
    ]),
    '',
    table([
      ['server RSS (VmRSS)', 'idle', `${r.options.clients} clients`, 'clients cost', 'end', 'target'],
      rss('hall', hall, true),
      rss('baseline: bare ws', baseline, false),
    ]),
  ].join('\n');
}

/** Generous upper bound on a run: two servers, the connections, and the rounds (about 50 ms each when healthy). */
export const wsBenchLimitMs = (o: WsBenchOptions) => (90 + o.rounds * 0.5 + o.clients * 0.02) * 1000;

export function wsBenchArgs(argv: string[]): WsBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: { clients: { type: 'string' }, rounds: { type: 'string' }, client: { type: 'string' } },
    strict: false,
  });
  return {
    clients: Number(values.clients ?? 500),
    rounds: Number(values.rounds ?? 100),
    client: clientKind(values.client),
  };
}

export function clientKind(value: unknown): ClientKind {
  if (value === undefined || value === 'lean') return 'lean';
  if (value === 'ws') return 'ws';
  throw new Error(`--client must be lean or ws, not ${String(value)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = wsBenchArgs(process.argv.slice(2));
  watchdog(wsBenchLimitMs(options), 'ws-bench');
  runWsBench(options).then(
    (r) => console.log(formatWsBench(r)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
