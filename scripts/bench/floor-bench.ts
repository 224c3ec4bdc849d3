/**
 * The hall against its floor: a bare group-commit server (bare-group-commit-server.ts: node:http, one durable
 * transaction per event-loop turn, a log entry's row) and the real hall, both in child processes, driven in the same
 * run by autocannon (autocannon-load.ts, its own process, keep-alive). Issue at 50 connections, call-next at one
 * connection per counter, each against the bare server at the same number of connections; several runs, medians;
 * again with each server pinned to core 0 and the load to core 1 (`taskset`), as a small hall box runs.
 * Prints figures, ratios and met / not met; never fails on timing.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  profiledStart,
  apiClient,
  BOOTSTRAP_MANAGER,
  cpuTimeMs,
  deviceToken,
  login,
  makeTempDir,
  removeTempDir,
  spawnServer,
  staffAt,
  startCommand,
  startHallProcess,
  watchdog,
  type Api,
  type SpawnedServer,
} from '../lib/hall-process.js';
import type { LoadPlan, LoadResult } from './autocannon-load.js';
import { monotonicUs, selfTimes, sliceProfile, type Profile } from './cpu-profile-summary.js';
import { ROW_DATA_BYTES } from './bare-group-commit-server.js';

import { atLeast, atMost, median, ms, table } from './stats.js';

/** Targets of issue 15, as ratios to the bare group-commit server in the same run. */
export const TARGETS = { issueRate: 0.5, callRate: 0.5, issueP99: 3 };

export interface FloorBenchOptions {
  seconds: number;
  runs: number;
  connections: number;
  /** Unpinned, pinned (server on core 0, load on core 1), or both. */
  pin: 'off' | 'on' | 'both';
  /** Profiles the hall (from tsc's one file per module, profiledStart, unless `hallEntry` says otherwise). */
  cpuProfileDir?: string;
  /** The hall's LOG_LEVEL: info, as a hall runs. */
  logLevel: string;
  /** Another build's server entry (e.g. a copy of an earlier dist/), to measure before and after on one machine. */
  hallEntry?: string;
}

/** A phase's load result and the server's CPU time per answer (µs), robust to a busy machine as rates are not. */
type Phase = LoadResult & { cpuUs: number };

interface RunFigures {
  bare: Phase;
  /** The bare server's work served through hono as the hall's API is (bare-hono-server.ts), 50 connections. */
  bareHono: Phase;
  issue: Phase;
  call: Phase;
  /** The bare server at one connection per counter, the call phase's own floor. */
  bareAtCounters: Phase;
  counters: number;
  /** Mean size of the hall's `ticket.issued` data (the bare row is ROW_DATA_BYTES). */
  hallRowBytes?: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const PIN_SERVER = ['taskset', '-c', '0'];
const PIN_LOAD = ['taskset', '-c', '1'];

/**
 * Pins this process (all its threads) to the load's core, or frees it again. It reads the servers' output through
 * pipes: left free, the scheduler may run it on the server's core, and each log write would wake it there.
 */
function pinSelf(pinned: boolean): void {
  const cores = pinned ? PIN_LOAD[2] : `0-${availableParallelism() - 1}`;
  spawnSync('taskset', ['-a', '-p', '-c', cores, String(process.pid)], { stdio: 'ignore' });
}

/** Runs autocannon-load.js in a child process (pinned when asked) and reads its result. */
function load(plan: LoadPlan, pinned: boolean): Promise<LoadResult> {
  const [command, ...args] = [...(pinned ? PIN_LOAD : []), process.execPath, join(here, 'autocannon-load.js')];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`autocannon-load exited ${code}`)),
    );
  });
}

/** Runs a load against `server`, reading the server's CPU time before and after; `window` gets when it ran. */
async function measure(
  server: SpawnedServer,
  plan: LoadPlan,
  pinned: boolean,
  window?: (w: { fromUs: number; toUs: number; answers: number }) => void,
): Promise<Phase> {
  const before = cpuTimeMs(server.pid);
  const fromUs = monotonicUs();
  const r = await load(plan, pinned);
  window?.({ fromUs, toUs: monotonicUs(), answers: r.answers });
  return { ...r, cpuUs: ((cpuTimeMs(server.pid) - before) * 1000) / Math.max(1, r.answers) };
}

/** When a hall phase ran (the monotonic clock, as the profile's), to read its part of the hall's CPU profile. */
interface PhaseWindow {
  phase: 'issue' | 'call';
  fromUs: number;
  toUs: number;
  answers: number;
}

let phaseProfiles: Array<{ pinned: boolean; text: string }> = [];

/**
 * The hall's profile (written by `--cpu-prof` as it exits, named with its pid) cut to the issue and the call phases
 * of every run: self time by area, in µs per answer, without the set-up (logins, scrypt, start-up) or the pauses
 * between phases.
 */
function profileByPhase(dir: string, pid: number, windows: PhaseWindow[]): string {
  const file = readdirSync(dir).find((f) => f.includes(`.${pid}.`) && f.endsWith('.cpuprofile'));
  if (!file) return `no profile of the hall (pid ${pid}) in ${dir}`;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const phases = ['issue', 'call'] as const;
  const perPhase = phases.map((phase) => {
    const byArea = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let answers = 0;
    for (const w of windows.filter((x) => x.phase === phase)) {
      answers += w.answers;
      const slice = selfTimes(sliceProfile(profile, w.fromUs, w.toUs));
      for (const [area, msSpent] of slice.byArea) byArea.set(area, (byArea.get(area) ?? 0) + msSpent);
      for (const [fn, msSpent] of slice.byFunction) byFunction.set(fn, (byFunction.get(fn) ?? 0) + msSpent);
    }
    return { byArea, byFunction, answers: Math.max(1, answers) };
  });
  const areas = [...new Set(perPhase.flatMap((p) => [...p.byArea.keys()]))].sort(
    (a, b) => (perPhase[0].byArea.get(b) ?? 0) - (perPhase[0].byArea.get(a) ?? 0),
  );
  const perAnswer = (p: (typeof perPhase)[number], area: string) => ((p.byArea.get(area) ?? 0) * 1000) / p.answers;
  const busy = (p: (typeof perPhase)[number]) =>
    [...p.byArea].filter(([a]) => a !== 'idle').reduce((sum, [, msSpent]) => sum + msSpent, 0) * (1000 / p.answers);
  const rows = [
    ['area (self time, wall clock)', 'µs per issue', 'µs per call-next or start'],
    ...areas.map((a) => [a, ...perPhase.map((p) => perAnswer(p, a).toFixed(1))]),
    ['busy (all but idle)', ...perPhase.map((p) => busy(p).toFixed(1))],
  ];
  // The functions that cost most in each phase, to say where an area's time goes.
  const tops = perPhase.map((p, i) => {
    const top = [...p.byFunction]
      .filter(([fn]) => !fn.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([fn, msSpent]) => [fn, ((msSpent * 1000) / p.answers).toFixed(1)]);
    return `${phases[i]}: the costliest functions (self time)\n${table([['function', 'µs per answer'], ...top])}`;
  });
  const head = `${file}, cut to the phases (${perPhase.map((p, i) => `${phases[i]}: ${p.answers} answers`).join(', ')})`;
  return [head, table(rows), ...tops].join('\n');
}

function startBare(dataDir: string, pinned: boolean, file = 'bare-group-commit-server.js'): Promise<SpawnedServer> {
  const { env, nodeArgs } = startCommand();
  return spawnServer({
    entry: join(here, file),
    nodeArgs,
    env: { ...env, DATA_DIR: dataDir },
    launcher: pinned ? PIN_SERVER : undefined,
  });
}

/**
 * Starts both servers once for a mode and runs the phases `o.runs` times over them (a hall's issue rate does not
 * depend on how many wait). Each run's figures are printed to stderr as they come.
 */
async function runsOfMode(o: FloorBenchOptions, pinned: boolean): Promise<RunFigures[]> {
  const bareDir = makeTempDir('hallq-floor-bare-');
  const bareHonoDir = makeTempDir('hallq-floor-hono-');
  const windows: PhaseWindow[] = [];
  const hallDir = makeTempDir('hallq-floor-hall-');
  const profiled = profiledStart(o.cpuProfileDir);
  pinSelf(pinned);
  const bare = await startBare(bareDir, pinned);
  const bareHono = await startBare(bareHonoDir, pinned, 'bare-hono-server.js');
  const honoPlan = { kind: 'bare', url: bareHono.url, path: '/api/v1/rows' } as const;
  const hall = await startHallProcess(hallDir, {
    entry: o.hallEntry ?? profiled.entry,
    nodeArgs: profiled.nodeArgs,
    launcher: pinned ? PIN_SERVER : undefined,
    // As a hall runs: a request line and a command line per write (the other benches run at warn).
    env: { LOG_LEVEL: o.logLevel },
  });
  const api = apiClient(hall.url, 30_000);
  try {
    const manager = await login(api, BOOTSTRAP_MANAGER.username, BOOTSTRAP_MANAGER.password);
    const token = await deviceToken(api, manager, 'bench-kiosk', 'kiosk');
    const h = (await api<{ services: Array<{ id: string }>; counters: Array<{ id: string }> }>('GET', '/api/v1/hall'))
      .body;
    const counters: Array<{ id: string; token: string }> = [];
    for (const c of h.counters) counters.push({ id: c.id, token: await staffAt(api, manager, c.id, `floor-${c.id}`) });
    const services = h.services.map((s) => s.id);
    const { seconds, connections } = o;
    // Warm-up, not counted: JIT and fresh connections. The call path is code of its own: measured cold, its first
    // run spent ~15 % of the CPU in V8's optimizing compiler and showed ~1.8× the CPU per command of a warm run.
    await load({ kind: 'bare', url: bare.url, connections, seconds: 1 }, pinned);
    await load({ ...honoPlan, connections, seconds: 1 }, pinned);
    await load({ kind: 'issue', url: hall.url, connections, seconds: 2, token, services, idFrom: 0 }, pinned);
    await load({ kind: 'call', url: hall.url, seconds: 2, counters }, pinned);
    const runs: RunFigures[] = [];
    for (let i = 1; i <= o.runs; i++) {
      const bareFig = await measure(bare, { kind: 'bare', url: bare.url, connections, seconds }, pinned);
      const bareHonoFig = await measure(bareHono, { ...honoPlan, connections, seconds }, pinned);
      // Each issue phase its own ID numbers: a holder has one active ticket at a time.
      const issue = await measure(
        hall,
        { kind: 'issue', url: hall.url, connections, seconds, token, services, idFrom: i * 1_000_000 },
        pinned,
        (w) => windows.push({ ...w, phase: 'issue' }),
      );
      await startLeftOverCalls(api, counters);
      const call = await measure(hall, { kind: 'call', url: hall.url, seconds, counters }, pinned, (w) =>
        windows.push({ ...w, phase: 'call' }),
      );
      const bareAtCounters = await measure(
        bare,
        { kind: 'bare', url: bare.url, connections: counters.length, seconds },
        pinned,
      );
      runs.push({ bare: bareFig, bareHono: bareHonoFig, issue, call, bareAtCounters, counters: counters.length });
      process.stderr.write(formatRuns(`${pinned ? 'pinned' : 'unpinned'}, run ${i}`, runs.slice(-1)) + '\n');
    }
    return runs;
  } finally {
    api.close();
    pinSelf(false);
    await Promise.all([bare.stop(), bareHono.stop(), hall.stop()]);
    lastRowBytes = hallRowBytes(hallDir) ?? lastRowBytes;
    if (o.cpuProfileDir) phaseProfiles.push({ pinned, text: profileByPhase(o.cpuProfileDir, hall.pid, windows) });
    removeTempDir(bareDir);
    removeTempDir(bareHonoDir);
    removeTempDir(hallDir);
  }
}

/**
 * Starts the ticket a counter was left holding as called (the previous call phase stopped between its call-next and
 * start, or a call-next still in flight was answered after it ended), so that each call phase begins at call-next
 * with nothing but 2xx answers: call-next on a called ticket is refused (TICKET_IN_PROGRESS) by design.
 */
async function startLeftOverCalls(api: Api, counters: Array<{ id: string; token: string }>): Promise<void> {
  for (const c of counters) {
    const r = await api<{ error?: { code: string } }>('POST', `/api/v1/counters/${c.id}/start`, {}, c.token);
    const nothingCalled =
      r.status === 409 && ['TICKET_NOT_CALLED', 'NO_CURRENT_TICKET'].includes(r.body.error?.code ?? '');
    if (r.status !== 200 && !nothingCalled)
      throw new Error(`start at ${c.id} before the call phase: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

let lastRowBytes: number | undefined;

/** Mean length of the hall's `ticket.issued` data, read from its log after the run. */
function hallRowBytes(dataDir: string): number | undefined {
  const file = join(dataDir, 'hallq.sqlite');
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT AVG(LENGTH(data)) FROM events WHERE type = 'ticket.issued'").pluck().get() as number;
  } finally {
    db.close();
  }
}

const ratio = (x: number) => x.toFixed(2) + '×';
const us = (x: number) => x.toFixed(0) + ' µs';
const rate = (x: number) => x.toFixed(0) + ' /s';

interface Medians {
  bareRate: number;
  bareHonoRate: number;
  bareHonoP99: number;
  bareHonoCpuUs: number;
  bareP99: number;
  issueRate: number;
  issueP99: number;
  callRate: number;
  commandRate: number;
  callP99: number;
  bareAtCountersRate: number;
  bareCpuUs: number;
  issueCpuUs: number;
  callCpuUs: number;
  refused: number;
}

/** Answers that were not 2xx, or requests without an answer, over a run's phases. */
const notOk = (r: RunFigures) =>
  [r.bare, r.bareHono, r.issue, r.call, r.bareAtCounters].reduce((s, x) => s + x.non2xx + x.errors, 0);
/** The same, by phase and status code, e.g. "issue 503×12". */
const notOkText = (r: RunFigures) =>
  Object.entries({
    bare: r.bare,
    bareHono: r.bareHono,
    issue: r.issue,
    call: r.call,
    bareAtCounters: r.bareAtCounters,
  })
    .flatMap(([phase, x]) => [
      ...Object.entries(x.statuses)
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, n]) => `${phase} ${code}×${n} (${x.firstRefusal ?? ''})`),
      ...(x.errors ? [`${phase} no answer×${x.errors}`] : []),
    ])
    .join(', ') || '0';

function mediansOf(runs: RunFigures[]): Medians {
  const m = (f: (r: RunFigures) => number) => median(runs.map(f));
  return {
    bareRate: m((r) => r.bare.perSecond),
    bareHonoRate: m((r) => r.bareHono.perSecond),
    bareHonoP99: m((r) => r.bareHono.latency.p99),
    bareHonoCpuUs: m((r) => r.bareHono.cpuUs),
    bareP99: m((r) => r.bare.latency.p99),
    issueRate: m((r) => r.issue.perSecond),
    issueP99: m((r) => r.issue.latency.p99),
    callRate: m((r) => r.call.callsPerSecond ?? 0),
    commandRate: m((r) => r.call.perSecond),
    callP99: m((r) => r.call.latency.p99),
    bareAtCountersRate: m((r) => r.bareAtCounters.perSecond),
    bareCpuUs: m((r) => r.bare.cpuUs),
    issueCpuUs: m((r) => r.issue.cpuUs),
    callCpuUs: m((r) => r.call.cpuUs),
    refused: runs.reduce((s, r) => s + notOk(r), 0),
  };
}

function formatRuns(label: string, runs: RunFigures[]): string {
  const rows = [
    [
      'run',
      'bare /s',
      'bare p99',
      'on hono /s',
      'issue /s',
      'issue p99',
      'call-next /s',
      'commands /s',
      'call p99',
      'bare@counters /s',
      'CPU/answer bare, on hono, issue, call',
      'not 2xx',
    ],
  ];
  runs.forEach((r, i) =>
    rows.push([
      String(i + 1),
      rate(r.bare.perSecond),
      ms(r.bare.latency.p99),
      rate(r.bareHono.perSecond),
      rate(r.issue.perSecond),
      ms(r.issue.latency.p99),
      rate(r.call.callsPerSecond ?? 0),
      rate(r.call.perSecond),
      ms(r.call.latency.p99),
      rate(r.bareAtCounters.perSecond),
      [r.bare, r.bareHono, r.issue, r.call].map((x) => us(x.cpuUs)).join(', '),
      notOkText(r),
    ]),
  );
  return `${label}: each run\n${table(rows)}`;
}

function formatMedians(label: string, m: Medians, counters: number, connections: number): string {
  const issueRate = m.issueRate / m.bareRate;
  const callRate = m.commandRate / m.bareAtCountersRate;
  const issueP99 = m.issueP99 / m.bareP99;
  const rows = [
    ['figure (median)', 'hall', 'bare group commit', 'ratio', 'target'],
    [
      `issue, ${connections} connections`,
      rate(m.issueRate),
      rate(m.bareRate),
      ratio(issueRate),
      `≥ ${TARGETS.issueRate}×: ${atLeast(issueRate, TARGETS.issueRate)}`,
    ],
    [
      `issue p99, ${connections} connections`,
      ms(m.issueP99),
      ms(m.bareP99),
      ratio(issueP99),
      `≤ ${TARGETS.issueP99}×: ${atMost(issueP99, TARGETS.issueP99)}`,
    ],
    [
      `call-next + start, ${counters} counters (commands)`,
      rate(m.commandRate),
      rate(m.bareAtCountersRate),
      ratio(callRate),
      `≥ ${TARGETS.callRate}×: ${atLeast(callRate, TARGETS.callRate)}`,
    ],
    [`call-next alone, p99`, `${rate(m.callRate)}, ${ms(m.callP99)}`, '', '', ''],
    [
      `the bare server on hono (bare-hono-server), ${connections} connections: rate, p99`,
      `${rate(m.bareHonoRate)}, ${ms(m.bareHonoP99)}`,
      '',
      `${ratio(m.bareHonoRate / m.bareRate)}, ${ratio(m.bareHonoP99 / m.bareP99)}`,
      'the framework alone',
    ],
    [
      'issue against the bare server on hono: rate',
      rate(m.issueRate),
      rate(m.bareHonoRate),
      ratio(m.issueRate / m.bareHonoRate),
      "the hall's own work",
    ],
    [
      'server CPU per answer: issue, call (commands)',
      `${us(m.issueCpuUs)}, ${us(m.callCpuUs)}`,
      us(m.bareCpuUs),
      `${ratio(m.issueCpuUs / m.bareCpuUs)}, ${ratio(m.callCpuUs / m.bareCpuUs)}`,
      '',
    ],
    [
      'server CPU per answer: the bare server on hono',
      '',
      us(m.bareHonoCpuUs),
      ratio(m.bareHonoCpuUs / m.bareCpuUs),
      'against bare',
    ],
  ];
  return `${label}: medians\n${table(rows)}${m.refused ? `\n${m.refused} answers were not 2xx or failed` : ''}`;
}

export async function runFloorBench(o: FloorBenchOptions): Promise<string> {
  const modes = o.pin === 'both' ? [false, true] : [o.pin === 'on'];
  const out: string[] = [];
  phaseProfiles = [];
  for (const pinned of modes) {
    const runs = await runsOfMode(o, pinned);
    const label = pinned ? 'pinned (servers on core 0, load on core 1)' : 'unpinned (two cores shared)';
    out.push(formatRuns(label, runs), formatMedians(label, mediansOf(runs), runs[0].counters, o.connections));
    for (const p of phaseProfiles.filter((x) => x.pinned === pinned))
      out.push(`${label}: the hall's CPU profile\n${p.text}`);
  }
  out.push(
    `rows: bare ${ROW_DATA_BYTES} bytes of data, the hall's ticket.issued ${lastRowBytes?.toFixed(0) ?? 'n/a'} bytes (mean); ` +
      `${o.runs} runs of ${o.seconds} s per phase per mode; the hall at LOG_LEVEL=${o.logLevel}` +
      `${o.hallEntry ? ` (${o.hallEntry})` : ''}; ` +
      'call-next is timed alone, the rate counts call-next and start',
  );
  return out.join('\n\n');
}

export function floorBenchArgs(argv: string[]): FloorBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      runs: { type: 'string' },
      connections: { type: 'string' },
      pin: { type: 'string' },
      'cpu-prof-dir': { type: 'string' },
      'log-level': { type: 'string' },
      'hall-entry': { type: 'string' },
    },
    strict: true,
  });
  const pin = values.pin ?? 'both';
  if (pin !== 'off' && pin !== 'on' && pin !== 'both') throw new Error(`--pin must be off, on or both, not ${pin}`);
  return {
    seconds: Number(values.seconds ?? 8),
    runs: Number(values.runs ?? 3),
    connections: Number(values.connections ?? 50),
    pin,
    cpuProfileDir: values['cpu-prof-dir'],
    logLevel: values['log-level'] ?? 'info',
    hallEntry: values['hall-entry'],
  };
}

/** Set-up per mode, four phases per run, with room for a slow, shared machine (a load average of 15 on 2 cores). */
export const floorBenchLimitMs = (o: FloorBenchOptions) =>
  (o.pin === 'both' ? 2 : 1) * (o.runs * (8 * o.seconds + 30) + 300) * 1000;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = floorBenchArgs(process.argv.slice(2));
  watchdog(floorBenchLimitMs(options), 'floor-bench');
  // Stopped from outside: exit normally, so the exit hook stops the servers and removes the temp folders.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  runFloorBench(options).then(
    (text) => console.log(text),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
