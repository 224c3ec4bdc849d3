/**
 * Start-up after a year of history: builds a data folder with N hall days of traffic, then times rebuilding the
 * live state (newest checkpoint + tail) and, for comparison, a full replay of the whole log with no checkpoint; and the
 * audit chain's check at start: once over the whole log (the first start after an upgrade), then from the verified mark.
 *
 *   node dist/scripts/bench/rebuild-bench.js [--days 250] [--tickets 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHallFile } from '../../server/config/load-hall.js';
import { EventBus } from '../../server/core/event-bus.js';
import { HallService } from '../../server/core/hall-service.js';
import * as counters from '../../server/domain/decide/counters.js';
import type { Actor } from '../../server/domain/decide/context.js';
import { issueTicket } from '../../server/domain/decide/tickets.js';
import { log } from '../../server/log.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import { openDb } from '../../server/store/db.js';
import { table } from './stats.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MANAGER: Actor = { kind: 'user', id: 'u_bench', role: 'manager', name: 'bench' };
/** One clerk per counter: signing in at a second counter would close the first. */
const clerk = (counterId: string): Actor => ({
  kind: 'user',
  id: `u_clerk_${counterId}`,
  role: 'counter',
  name: `clerk ${counterId}`,
});

export interface RebuildBenchResult {
  days: number;
  events: number;
  buildMs: number;
  checkpointMs: number;
  fullReplayMs: number;
  replayedFromCheckpoint: number;
  chainFullMs: number;
  chainIncrementalMs: number;
}

/** Fills `dir` (a DATA_DIR) with `days` hall days of traffic, as the write path records it; returns the log's length. */
export function buildHistory(
  dir: string,
  days: number,
  ticketsPerDay: number,
): { events: number; buildMs: number; now: number } {
  const hall = loadHallFile();
  let now = Date.parse('2025-11-24T08:30:00+08:00');
  const db = openDb(dir);
  db.pragma('synchronous = OFF'); // building the fixture only; the measured start uses the normal settings
  const svc = new HallService({
    hallFile: hall,
    db,
    secret: HallSecret.loadOrCreate(dir),
    bus: new EventBus(),
    alwaysOpen: true,
    clock: () => now,
  });
  svc.rebuild();
  const started = performance.now();
  const services = ['one-window', 'mortgage', 'query', 'payment', 'certificate'];
  const open = ['1', '4', '7', '8', '9'];
  for (let d = 0; d < days; d++) {
    db.transaction(() => {
      for (const c of open) svc.execute(clerk(c), (ctx, s) => counters.signIn(ctx, s, c));
      for (let i = 0; i < ticketsPerDay; i++) {
        now += 60_000;
        svc.execute(MANAGER, (ctx, s) => issueTicket(ctx, s, { serviceId: services[i % services.length] }));
        const c = open[i % open.length];
        try {
          svc.execute(clerk(c), (ctx, s) => counters.callNext(ctx, s, c));
          svc.execute(clerk(c), (ctx, s) => counters.start(ctx, s, c));
        } catch {
          /* empty queue or a ticket still being served: fine */
        }
      }
    })();
    now += 24 * 60 * 60_000 - ticketsPerDay * 60_000;
    svc.startDayIfNeeded(now);
  }
  const events = svc.log.seq;
  db.close();
  return { events, buildMs: performance.now() - started, now };
}

export function runRebuildBench(days = arg('days', 250), ticketsPerDay = arg('tickets', 200)): RebuildBenchResult {
  log.setLevel('silent');
  const dir = mkdtempSync(join(tmpdir(), 'hallq-rebuild-'));
  const hall = loadHallFile();
  const { events, buildMs, now } = buildHistory(dir, days, ticketsPerDay);
  const db = openDb(dir);
  const secret = HallSecret.loadOrCreate(dir);
  const make = () =>
    new HallService({ hallFile: hall, db, secret, bus: new EventBus(), alwaysOpen: true, clock: () => now });

  let t0 = performance.now();
  const first = make();
  if (!first.checkChain().ok) throw new Error('the fixture’s chain does not verify');
  const chainFullMs = performance.now() - t0;
  first.recordAnchor(now); // the verified mark moves to the head, as after any clean start
  t0 = performance.now();
  make().checkChain();
  const chainIncrementalMs = performance.now() - t0;

  t0 = performance.now();
  const fromCheckpoint = make().rebuild();
  const checkpointMs = performance.now() - t0;
  db.exec('DELETE FROM snapshots');
  t0 = performance.now();
  make().rebuild();
  const fullReplayMs = performance.now() - t0;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    days,
    events,
    buildMs,
    checkpointMs,
    fullReplayMs,
    replayedFromCheckpoint: fromCheckpoint.replayed,
    chainFullMs,
    chainIncrementalMs,
  };
}

export function printRebuildBench(r: RebuildBenchResult): void {
  console.log(`\nStart-up: rebuilding the live state after ${r.days} hall days (${r.events} log entries)`);
  console.log(
    table([
      ['measure', 'time', 'events replayed'],
      [
        'newest checkpoint + tail (what a start does)',
        `${r.checkpointMs.toFixed(0)} ms`,
        String(r.replayedFromCheckpoint),
      ],
      ['full replay, no checkpoint (baseline)', `${r.fullReplayMs.toFixed(0)} ms`, String(r.events)],
      ['audit chain check from the verified mark (what a start does)', `${r.chainIncrementalMs.toFixed(0)} ms`, '-'],
      ['audit chain check of the whole log (first start after an upgrade)', `${r.chainFullMs.toFixed(0)} ms`, '-'],
    ]),
  );
  console.log(`(fixture built in ${(r.buildMs / 1000).toFixed(1)} s; target: seconds at most)`);
}

if (process.argv[1]?.endsWith('rebuild-bench.js') || process.argv[1]?.endsWith('rebuild-bench.ts'))
  printRebuildBench(runRebuildBench());
