/**
 * HTTP API benchmark against the real server in a child process: 50 clients issuing tickets, then every counter calling
 * next; baseline: a bare durable better-sqlite3 insert (WAL, synchronous=FULL, one row per transaction) on the same disk.
 * Prints figures; never fails on timing.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  profiledStart,
  apiClient,
  BOOTSTRAP_MANAGER,
  deviceToken,
  login,
  makeTempDir,
  removeTempDir,
  rssBytes,
  staffAt,
  startHallProcess,
  watchdog,
  type Api,
} from '../lib/hall-process.js';
import { idNumber } from './id-numbers.js';
import { LeanHttpConnection } from './lean-http-client.js';
import { mb, ms, summarize, table, times, verdict, type Summary } from './stats.js';

export const ISSUE_P99_TARGET_MS = 15;

export interface ApiBenchOptions {
  /** Length of the issue phase and of the call phase. */
  seconds: number;
  /** Concurrent issuing clients. */
  clients: number;
  /** Write a V8 CPU profile of the server to this folder (node --cpu-prof), to see where a request's time goes. */
  cpuProfileDir?: string;
  /** The timed phases' HTTP client: `lean` (lean-http-client.ts, the default) or `node` (node:http with keep-alive). */
  client: 'lean' | 'node';
}

type Answer = { status: number; body: unknown };
/** A timed request from simulated client number `client`. */
type TimedRequest = (client: number, method: string, path: string, body: unknown, token: string) => Promise<Answer>;

/** Lean: one keep-alive connection per simulated client, opened on first use. Node: the shared keep-alive agent. */
function timedRequests(kind: 'lean' | 'node', url: string, api: Api): { send: TimedRequest; close(): void } {
  if (kind === 'node') return { send: (_c, method, path, body, token) => api(method, path, body, token), close() {} };
  const connections: Array<Promise<LeanHttpConnection>> = [];
  return {
    async send(client, method, path, body, token) {
      const conn = await (connections[client] ??= LeanHttpConnection.open(url));
      const r = await conn.request(method, path, body, token);
      if (r.status < 400) return { status: r.status, body: r.body };
      return { status: r.status, body: JSON.parse(r.body.toString('utf8') || 'null') };
    },
    close() {
      for (const c of connections)
        void c.then(
          (conn) => conn.close(),
          () => {},
        );
    },
  };
}

export interface Throughput extends Summary {
  perSecond: number;
}

export interface ApiBenchResult {
  options: ApiBenchOptions;
  issue: Throughput;
  /** One client at a time: the latency without queueing behind other requests. */
  issueAlone: Throughput;
  /** 50 clients each issuing every 100 ms (500 a second offered, far above a hall's busiest hour): latency under load. */
  issuePaced: Throughput;
  callNext: Throughput;
  baseline: Throughput;
  /** Tickets waiting when the call phase began, over all services. */
  waitingAtCallStart: number;
  counters: number;
  errors: string[];
  serverRss?: number;
}

/** One durable row per transaction into a temp file, the floor under every acknowledged write. */
export function durableInsertBaseline(seconds: number, maxRows = 20_000): Throughput {
  const dir = makeTempDir('hallq-bench-sqlite-');
  try {
    const db = new Database(join(dir, 'baseline.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)',
    );
    const insert = db.prepare('INSERT INTO events (at, type, data) VALUES (?, ?, ?)');
    // About the size of a ticket.issued event.
    const data = JSON.stringify({ ticket: { id: 't_xxxxxxxxxxxxxxxx', pad: 'x'.repeat(520) } });
    const samples: number[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    while (samples.length < maxRows && performance.now() < deadline) {
      const t0 = performance.now();
      insert.run(Date.now(), 'ticket.issued', data);
      samples.push(performance.now() - t0);
    }
    const elapsed = (performance.now() - started) / 1000;
    db.close();
    return { ...summarize(samples), perSecond: samples.length / elapsed };
  } finally {
    removeTempDir(dir);
  }
}

/**
 * Runs `clients` loops, each starting a request every `intervalMs` (or at once when the last one took longer):
 * an open load of clients × 1000 / intervalMs requests a second, as kiosks send, rather than back to back.
 */
async function pacedLoops(
  clients: number,
  seconds: number,
  intervalMs: number,
  step: (client: number, samples: number[]) => Promise<boolean>,
): Promise<Throughput> {
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      // Spread the clients over the interval instead of firing all 50 at once.
      let next = started + (client * intervalMs) / clients;
      while (performance.now() < deadline) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!(await step(client, samples))) break;
        next += intervalMs;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { ...summarize(samples), perSecond: samples.length / elapsed };
}

/** Runs `clients` loops until `deadline`; each loop times one request and says whether to go on. */
async function timedLoops(
  clients: number,
  seconds: number,
  step: (client: number, samples: number[]) => Promise<boolean>,
): Promise<Throughput> {
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline && (await step(client, samples)));
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { ...summarize(samples), perSecond: samples.length / elapsed };
}

export async function runApiBench(options: ApiBenchOptions): Promise<ApiBenchResult> {
  const baseline = durableInsertBaseline(Math.min(5, Math.max(2, options.seconds / 2)));
  const dataDir = makeTempDir('hallq-bench-api-');
  const server = await startHallProcess(dataDir, profiledStart(options.cpuProfileDir));
  const api: Api & { close(): void } = apiClient(server.url, 30_000);
  const timed = timedRequests(options.client, server.url, api);
  const errors: string[] = [];
  const fail = (what: string, r: { status: number; body: unknown }) => {
    if (errors.length < 10) errors.push(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  };
  try {
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    const kiosk = await deviceToken(api, manager, 'bench-kiosk', 'kiosk');
    const hall = (
      await api<{ services: Array<{ id: string }>; counters: Array<{ id: string }> }>('GET', '/api/v1/hall')
    ).body;
    const services = hall.services.map((s) => s.id);

    // Issue: every ticket carries a resident ID number, as a kiosk with an ID-card reader sends.
    let serial = 0;
    const issueOne = async (client: number, samples: number[]) => {
      const n = serial++;
      const t0 = performance.now();
      const r = await timed.send(
        client,
        'POST',
        '/api/v1/tickets',
        { serviceId: services[n % services.length], idNumber: idNumber(n) },
        kiosk,
      );
      if (r.status === 201) samples.push(performance.now() - t0);
      else fail('issue', r);
      return true;
    };
    const issuePhase = (clients: number, seconds: number) => timedLoops(clients, seconds, issueOne);
    // Warm-up, not counted: a freshly started process (JIT, 50 new connections) answers its first burst slowly.
    await issuePhase(options.clients, 1);
    const issueAlone = await issuePhase(1, Math.min(3, options.seconds));
    const issuePaced = await pacedLoops(options.clients, options.seconds, 100, issueOne);
    const issue = await issuePhase(options.clients, options.seconds);

    // Call next: each counter staffed and signed in; call-next, then start (so the next call finishes it).
    const counterTokens: string[] = [];
    for (const c of hall.counters) counterTokens.push(await staffAt(api, manager, c.id, `bench-staff-${c.id}`));
    const waitingAtCallStart = (
      await api<{ services: Array<{ waiting: number }> }>('GET', '/api/v1/hall')
    ).body.services.reduce((s, x) => s + x.waiting, 0);
    const callNext = await timedLoops(hall.counters.length, options.seconds, async (client, samples) => {
      const id = hall.counters[client].id;
      const t0 = performance.now();
      const r = await timed.send(client, 'POST', `/api/v1/counters/${id}/call-next`, {}, counterTokens[client]);
      if (r.status === 404) return false; // this counter's queues are empty
      if (r.status !== 200) {
        fail(`call-next ${id}`, r);
        return false;
      }
      samples.push(performance.now() - t0);
      const started = await timed.send(client, 'POST', `/api/v1/counters/${id}/start`, {}, counterTokens[client]);
      if (started.status !== 200) fail(`start ${id}`, started);
      return true;
    });
    return {
      options,
      issue,
      issueAlone,
      issuePaced,
      callNext,
      baseline,
      waitingAtCallStart,
      counters: hall.counters.length,
      errors,
      serverRss: rssBytes(server.pid),
    };
  } finally {
    timed.close();
    api.close();
    await server.stop();
    removeTempDir(dataDir);
  }
}

export function formatApiBench(r: ApiBenchResult): string {
  const { issue, issueAlone, callNext, baseline } = r;
  const issueTarget = (t: Throughput) => `p99 < ${ISSUE_P99_TARGET_MS} ms: ${verdict(t.p99, ISSUE_P99_TARGET_MS)}`;
  const row = (label: string, t: Throughput, target = '') => [
    label,
    String(t.n),
    ms(t.p50),
    ms(t.p99),
    ms(t.max),
    t.perSecond.toFixed(0),
    times(t.p50, baseline.p50),
    times(t.p99, baseline.p99),
    target,
  ];
  const rows = [
    ['', 'n', 'p50', 'p99', 'max', 'per second', 'p50 vs baseline', 'p99 vs baseline', 'target'],
    row(`issue (${r.options.clients} clients)`, issue, issueTarget(issue)),
    row(`issue (${r.options.clients} clients × 10/s)`, r.issuePaced, issueTarget(r.issuePaced)),
    row('issue (1 client)', issueAlone),
    row(`call-next (${r.counters} counters)`, callNext),
    row('baseline: durable insert', baseline),
  ];
  return [
    `API benchmark (server: child process, ${r.options.client} HTTP clients, ${r.options.seconds} s per phase; ${r.waitingAtCallStart} tickets waiting when calling began; server RSS at end ${mb(r.serverRss)})`,
    table(rows),
    ...(r.errors.length ? ['unexpected answers:', ...r.errors.map((e) => '  ' + e)] : []),
  ].join('\n');
}

/** Generous upper bound on a run: the phases, start-up, and room for a slow, shared machine. */
export const apiBenchLimitMs = (o: ApiBenchOptions) => (4 * o.seconds + 90) * 1000;

export function apiBenchArgs(argv: string[]): ApiBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      clients: { type: 'string' },
      'cpu-prof-dir': { type: 'string' },
      client: { type: 'string' },
    },
    allowPositionals: false,
    strict: false,
  });
  const cpuProfileDir = typeof values['cpu-prof-dir'] === 'string' ? values['cpu-prof-dir'] : undefined;
  const client = values.client ?? 'lean';
  if (client !== 'lean' && client !== 'node') throw new Error(`--client must be lean or node, not ${String(client)}`);
  return { seconds: Number(values.seconds ?? 10), clients: Number(values.clients ?? 50), cpuProfileDir, client };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = apiBenchArgs(process.argv.slice(2));
  watchdog(apiBenchLimitMs(options), 'api-bench');
  runApiBench(options).then(
    (r) => console.log(formatApiBench(r)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
