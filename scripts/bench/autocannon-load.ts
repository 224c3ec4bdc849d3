/**
 * One autocannon run as its own process, so that the load can be pinned to a core of its own (`taskset`): reads a
 * LoadPlan as JSON from argv[2], prints a LoadResult as JSON on stdout. Used by floor-bench.ts.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { idNumber } from './id-numbers.js';
import { summarize, type Summary } from './stats.js';

export type LoadPlan =
  /** `path`: where the bare server takes rows (`/rows`, or `/api/v1/rows` on the hono one). */
  | { kind: 'bare'; url: string; connections: number; seconds: number; path?: string }
  /** `idFrom`: the first ID number's serial (each ticket's is new: one holder has one active ticket). */
  | {
      kind: 'issue';
      url: string;
      connections: number;
      seconds: number;
      token: string;
      services: string[];
      idFrom: number;
    }
  /** One connection per counter, each calling next then starting the ticket (the next call finishes it). */
  | { kind: 'call'; url: string; seconds: number; counters: Array<{ id: string; token: string }> };

export interface LoadResult {
  /** Answers per second over the run, all kinds. */
  perSecond: number;
  /** Answers over the run, all kinds. */
  answers: number;
  /** Latency of the timed requests (issue, bare POST, call-next), ms. */
  latency: Summary;
  /** call-next answers per second (call plan). */
  callsPerSecond?: number;
  non2xx: number;
  errors: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** The body of the first answer that was not 2xx, to say why. */
  firstRefusal?: string;
}

interface Request {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface Instance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface Result {
  requests: { total: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>, done: (err: Error | null, result: Result) => void) => Instance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** One autocannon instance: its connections and the requests each sends, in order, round and round. */
interface Stream {
  connections: number;
  requests: Request[];
}

/** The instances of a plan: one for bare and issue; one per counter for call, one connection each. */
function streamsOf(plan: LoadPlan, refused: (body: string) => void): Stream[] {
  const json = { 'content-type': 'application/json' };
  const onResponse = (status: number, body: string) => {
    if (status >= 300) refused(body);
  };
  if (plan.kind === 'bare') {
    let n = 0;
    const setupRequest = (r: Request) => ({
      ...r,
      body: JSON.stringify({ serviceId: 'svc', idNumber: idNumber(n++) }),
    });
    return [
      {
        connections: plan.connections,
        requests: [{ method: 'POST', path: plan.path ?? '/rows', headers: json, setupRequest, onResponse }],
      },
    ];
  }
  if (plan.kind === 'issue') {
    let n = plan.idFrom;
    const headers = { ...json, authorization: `Bearer ${plan.token}` };
    const setupRequest = (r: Request) => {
      const i = n++;
      return {
        ...r,
        body: JSON.stringify({ serviceId: plan.services[i % plan.services.length], idNumber: idNumber(i) }),
      };
    };
    return [
      {
        connections: plan.connections,
        requests: [{ method: 'POST', path: '/api/v1/tickets', headers, setupRequest, onResponse }],
      },
    ];
  }
  // autocannon clears a connection's context at each round of its requests: one instance per counter instead.
  return plan.counters.map((c) => {
    const headers = { ...json, authorization: `Bearer ${c.token}` };
    const step = (action: string): Request => ({
      method: 'POST',
      path: `/api/v1/counters/${c.id}/${action}`,
      headers,
      body: '{}',
      onResponse,
    });
    return { connections: 1, requests: [step('call-next'), step('start')] };
  });
}

function runStream(
  url: string,
  seconds: number,
  stream: Stream,
  onAnswer: (client: unknown, status: number, ms: number) => void,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections: stream.connections, duration: seconds, pipelining: 1, requests: stream.requests },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (client, status, _bytes, ms) => onAnswer(client, status, ms));
  });
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  let firstRefusal: string | undefined;
  const streams = streamsOf(plan, (body) => (firstRefusal ??= body.slice(0, 300)));
  const samples: number[] = [];
  let calls = 0;
  // Per answer, to the microsecond (autocannon's own histogram keeps whole milliseconds). In the call plan the
  // answers of a connection alternate call-next, start: only the call-next ones are timed.
  const answered = new Map<unknown, number>();
  const onAnswer = (client: unknown, status: number, ms: number) => {
    const i = answered.get(client) ?? 0;
    answered.set(client, i + 1);
    if (status >= 300) return;
    if (plan.kind === 'call') {
      if (i % 2 !== 0) return;
      calls++;
    }
    samples.push(ms);
  };
  const results = await Promise.all(streams.map((st) => runStream(plan.url, plan.seconds, st, onAnswer)));
  const seconds = Math.max(...results.map((r) => r.duration || plan.seconds));
  const answers = results.reduce((n, r) => n + r.requests.total, 0);
  const statuses: Record<string, number> = {};
  for (const r of results)
    for (const [code, v] of Object.entries(r.statusCodeStats)) statuses[code] = (statuses[code] ?? 0) + v.count;
  return {
    perSecond: answers / seconds,
    answers,
    latency: summarize(samples),
    callsPerSecond: plan.kind === 'call' ? calls / seconds : undefined,
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors + r.timeouts, 0),
    firstRefusal,
    statuses,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runLoad(JSON.parse(process.argv[2]) as LoadPlan).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
