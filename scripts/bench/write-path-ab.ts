/**
 * The write path's CPU per command, two builds in one process, alternating: each build's HallService over its own
 * temp SQLite file takes slices of group commits in turn (issue: batches of 17; call-next + start: batches of ~2), and
 * the process CPU time of each slice is charged to it. No HTTP, no log lines, nothing on the bus: what `flush()`,
 * decide, the log append, the projection and the state cost. On a shared machine the paired difference of adjacent
 * slices is steadier than any rate (floor-bench's CPU per answer moved ±50 % between runs at load 1–4).
 *
 *   node dist/scripts/bench/write-path-ab.js --a /path/to/old/dist [--b dist] [--rounds 60]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeTempDir, removeTempDir } from '../lib/hall-process.js';
import { median, table } from './stats.js';

// Another build's modules, loaded by path: typed loosely on purpose.
interface Build {
  name: string;
  hall: any;
  issueTicket: any;
  counters: any;
  idNumber: (n: number) => string;
  dir: string;
  issued: number;
  issue: number[];
  call: number[];
}

const ISSUE_BATCH = 17;

async function load(name: string, dist: string): Promise<Build> {
  const mod = (path: string) => import(pathToFileURL(join(resolve(dist), path)).href);
  const [{ log }, { HallService }, { EventBus }, { HallSecret }, { openDb }, { loadHallFile }] = await Promise.all([
    mod('server/log.js'),
    mod('server/core/hall-service.js'),
    mod('server/core/event-bus.js'),
    mod('server/security/hall-secret.js'),
    mod('server/store/db.js'),
    mod('server/config/load-hall.js'),
  ]);
  log.setLevel('silent');
  const dir = makeTempDir(`write-path-ab-${name}-`);
  const hall = new HallService({
    hallFile: loadHallFile(),
    db: openDb(dir),
    secret: HallSecret.loadOrCreate(dir),
    bus: new EventBus(),
    alwaysOpen: true,
  });
  hall.rebuild();
  hall.startDayIfNeeded();
  const b: Build = {
    name,
    hall,
    issueTicket: (await mod('server/domain/decide/tickets.js')).issueTicket,
    counters: await mod('server/domain/decide/counters.js'),
    idNumber: (await mod('scripts/bench/id-numbers.js')).idNumber,
    dir,
    issued: 0,
    issue: [],
    call: [],
  };
  for (const c of counterIds(b)) await hall.submit(clerk(c), (ctx: any, st: any) => b.counters.signIn(ctx, st, c));
  return b;
}

const MANAGER = { kind: 'user', id: 'u_bench', role: 'manager', name: 'bench' };
const clerk = (counterId: string) => ({ kind: 'user', id: `u_clerk_${counterId}`, role: 'counter', name: counterId });
const counterIds = (b: Build): string[] => b.hall.hallFile.counters.map((c: { id: string }) => c.id);
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** µs of CPU per command for `batches` group commits of issued tickets. */
async function issueSlice(b: Build, batches: number): Promise<number> {
  const services: string[] = b.hall.hallFile.services.map((s: { id: string }) => s.id);
  const started = cpuMicros();
  for (let i = 0; i < batches; i++) {
    const all = [];
    for (let j = 0; j < ISSUE_BATCH; j++) {
      const n = b.issued++;
      all.push(
        b.hall.submit(MANAGER, (ctx: any, st: any) =>
          b.issueTicket(ctx, st, { serviceId: services[n % services.length], idNumber: b.idNumber(n) }),
        ),
      );
    }
    await Promise.all(all);
  }
  return (cpuMicros() - started) / (batches * ISSUE_BATCH);
}

/** µs of CPU per command for `batches` rounds of two counters each calling the next ticket, then starting it. */
async function callSlice(b: Build, batches: number): Promise<number> {
  const ids = counterIds(b);
  const started = cpuMicros();
  for (let i = 0; i < batches; i++) {
    const pair = [ids[(2 * i) % ids.length], ids[(2 * i + 1) % ids.length]];
    await Promise.all(
      pair.map(async (c) => {
        await b.hall.submit(clerk(c), (ctx: any, st: any) => b.counters.callNext(ctx, st, c));
        await b.hall.submit(clerk(c), (ctx: any, st: any) => b.counters.start(ctx, st, c));
      }),
    );
  }
  return (cpuMicros() - started) / (batches * 4);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { a: { type: 'string' }, b: { type: 'string' }, rounds: { type: 'string' } },
    strict: true,
  });
  if (!values.a) throw new Error('--a <dist folder of the build to compare with> is required');
  const rounds = Number(values.rounds ?? 60);
  // The first rounds warm the JIT and are left out of the figures.
  const warm = 2;
  const a = await load('a', values.a);
  const b = await load('b', values.b ?? join(import.meta.dirname, '..', '..'));
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate which build goes first, so neither always follows the other's garbage.
      for (const x of r % 2 ? [b, a] : [a, b]) {
        x.issue.push(await issueSlice(x, 40));
        x.call.push(await callSlice(x, 50));
      }
    }
    const kept = (xs: number[]) => xs.slice(warm);
    const paired = (k: 'issue' | 'call') => median(kept(a[k]).map((v, i) => v - kept(b[k])[i]));
    const us = (v: number) => `${v.toFixed(1)} µs`;
    process.stdout.write(
      table([
        ['CPU per command (median of slices)', `a: ${values.a}`, `b: ${values.b ?? 'this build'}`, 'paired a − b'],
        ['issue, batches of 17', us(median(kept(a.issue))), us(median(kept(b.issue))), us(paired('issue'))],
        ['call-next + start, batches of ~2', us(median(kept(a.call))), us(median(kept(b.call))), us(paired('call'))],
      ]) + `\n${rounds - warm} rounds of each after ${warm} to warm up; tickets issued per build: ${b.issued}\n`,
    );
  } finally {
    for (const x of [a, b]) removeTempDir(x.dir);
  }
}

await main();
process.exit(0);
