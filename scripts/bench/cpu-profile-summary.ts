/**
 * Sums the self time of a V8 CPU profile (node --cpu-prof) per function and per file or package, to see where the
 * CPU of a command goes: `node dist/scripts/bench/cpu-profile-summary.js FILE.cpuprofile [--top 30]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  /** µs of the monotonic clock (CLOCK_MONOTONIC, as `process.hrtime`) at which the profile starts. */
  startTime?: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a file belongs: a package under node_modules, a file of ours, node's own, or V8's (program, GC, idle). */
export function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url;
  const ours = url.match(/\/dist[^/]*\/(.+)$/); // dist/, or a copy of an earlier build (dist-base/)
  return ours ? ours[1] : url;
}

export interface SelfTimes {
  totalMs: number;
  byFunction: Map<string, number>;
  byPlace: Map<string, number>;
  /** Self time by area of the write path (areaOf), as docs/benchmarks.md accounts a command's CPU. */
  byArea: Map<string, number>;
}

type Frame = ProfileNode['callFrame'];

const AREAS: Array<[string, (place: string, fn: string) => boolean]> = [
  ['idle', (p) => p === '(idle)'],
  // A profile taken through node:inspector (started and stopped by signal) shows the profiler's own work.
  ['the profiler itself', (p) => p === 'node:inspector'],
  ['garbage collection', (p) => p === '(garbage collector)'],
  ['hashing (chain HMAC, identity HMAC)', (p) => p.startsWith('node:internal/crypto/')],
  ['validation (zod, clean text)', (p) => p === 'zod' || /clean-text|http\/validation|free-text/.test(p)],
  ['log lines (formatting)', (p) => p === 'server/log.js' || p.endsWith('request-log.js')],
  [
    'features and MQTT (retained state, broker, playbooks)',
    (p) => /^(aedes|mqemitter|qlobber|mqtt|mqtt-packet)/.test(p) || /features\/|server\/mqtt\//.test(p),
  ],
  ['live stream (ws)', (p) => p === 'ws' || p.startsWith('server/ws/')],
  [
    'HTTP (hono, node:http, streams)',
    (p) =>
      /^(hono|@hono)/.test(p) ||
      /^node:(_http|net|internal\/(streams|stream_base|deps\/undici|http|url))/.test(p) ||
      /^server\/http\//.test(p),
  ],
  ['SQLite statements (inserts, updates)', (p) => p === 'better-sqlite3' || p.startsWith('server/store/')],
  ["the hall's own code (decide, apply, views)", (p) => /^(server|protocol|devices)\//.test(p)],
];

/**
 * The area a sample's time belongs to. Natives are placed by who called them: a `run` straight from better-sqlite3's
 * transaction wrapper is its BEGIN or COMMIT (the commit's fsync), a write under server/log.js is a log line, other
 * writes are answers and stream frames to sockets.
 */
export function areaOf(stack: Frame[]): string {
  const [top] = stack;
  const place = placeOf(top.url, top.functionName);
  if (place === '(native)') {
    const caller = stack.find((f) => f.url);
    const callerPlace = caller ? placeOf(caller.url, caller.functionName) : '';
    if (/^(writeUtf8String|writev|writeBuffer|writeLatin1String|writeAsciiString)$/.test(top.functionName))
      return stack.some((f) => f.url.endsWith('/server/log.js')) ? 'log lines (write to stdout)' : 'socket writes';
    if (callerPlace === 'better-sqlite3' && caller?.functionName === 'sqliteTransaction')
      return 'SQLite commit (BEGIN/COMMIT, fsync)';
    if (caller) return areaOf([caller, ...stack.slice(stack.indexOf(caller) + 1)]);
  }
  // better-sqlite3's native statement calls show as its wrapper's own time: there they are BEGIN, SAVEPOINT,
  // RELEASE and COMMIT, the commit with its fsync (wall time: the profiler samples a thread blocked in it too).
  if (place === 'better-sqlite3' && top.functionName === 'sqliteTransaction')
    return 'SQLite commit (BEGIN/COMMIT, fsync)';
  for (const [area, test] of AREAS) if (test(place, top.functionName)) return area;
  return 'other (Node internals, timers, promises)';
}

export function selfTimes(p: Profile): SelfTimes {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): Frame[] => {
    const out: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(byId.get(at)!.callFrame);
    return out;
  };
  const areaById = new Map<number, string>();
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalMs = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const place = placeOf(url, functionName);
    const fn = `${functionName || '(anonymous)'} ${place}${url ? ':' + (lineNumber + 1) : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
    let area = areaById.get(id);
    if (area === undefined) areaById.set(id, (area = areaOf(stackOf(id))));
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
    totalMs += ms;
  });
  return { totalMs, byFunction, byPlace, byArea };
}

/** The monotonic clock in µs, the clock of a profile's `startTime` (another process's too, on the same machine). */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** The samples of `p` taken between two instants of `monotonicUs()`, e.g. one phase of a bench. */
export function sliceProfile(p: Profile, fromUs: number, toUs: number): Profile {
  if (p.startTime === undefined) throw new Error('the profile has no startTime');
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) return;
    samples.push(id);
    timeDeltas.push(p.timeDeltas[i] ?? 0);
  });
  return { ...p, samples, timeDeltas };
}

export function formatSelfTimes(s: SelfTimes, top: number): string {
  const busy = s.totalMs - (s.byPlace.get('(idle)') ?? 0);
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => [
        k,
        ms.toFixed(0) + ' ms',
        ((100 * ms) / s.totalMs).toFixed(1) + ' %',
        ((100 * ms) / busy).toFixed(1) + ' %',
      ]);
  const head = ['', 'self', 'of all', 'of busy'];
  return [
    `profile: ${s.totalMs.toFixed(0)} ms, busy (not idle) ${busy.toFixed(0)} ms`,
    'by area',
    table([head, ...rows(s.byArea)]),
    'by file or package',
    table([head, ...rows(s.byPlace)]),
    'by function',
    table([head, ...rows(s.byFunction)]),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string' } }, allowPositionals: true });
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    console.log(`${file}\n${formatSelfTimes(selfTimes(profile), Number(values.top ?? 30))}\n`);
  }
}
