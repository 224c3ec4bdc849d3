/**
 * One load run: a real server process, a hall day at `speed`× with its devices and reconnecting displays, the attack
 * set beside it, and /healthz latency, RSS and heap sampled throughout. Fails on a 5xx, an unanswered request, a
 * lost acknowledged ticket, a crash, or health past the limits given.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../server/config/project-root.js';
import { writeReferenceHallCopy } from '../lib/reference-hall-copy.js';
import {
  apiClient,
  freePort,
  makeTempDir,
  removeTempDir,
  startCommand,
  startHallProcess,
} from '../lib/hall-process.js';
import { summarize, type Summary } from '../bench/stats.js';
import { ATTACKS, scaled } from './attacks/index.js';
import type { AttackReport } from './attacks/attack.js';
import { startDevices } from './device-fleet.js';
import { startDisplays } from './displays.js';
import { playHallDay } from './hall-day.js';
import { prepareHall } from './hall-setup.js';
import { startSampler, type Sample } from './sampler.js';
import { Tally } from './tally.js';

export interface LoadOptions {
  seconds: number;
  speed: number;
  counters: number;
  devices: number;
  displays: number;
  /** Attack names to run beside the day (see attacks/index.ts). */
  attacks: string[];
  /** Scales every attack's count and hold time (1 = the defaults). */
  attackScale: number;
  /** Run the attack set again and again until the end, not once. */
  attacksRepeat: boolean;
  sampleEveryMs: number;
  /** Samples of the first seconds are plotted but not held to the /healthz limit. */
  warmupSeconds: number;
  maxHealthzP99Ms: number;
  maxRssGrowthMb: number;
  /** Keeps the server's data folder (for a look afterwards). */
  keepData?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_LOAD_OPTIONS: LoadOptions = {
  seconds: 120,
  speed: 20,
  counters: 12,
  devices: 40,
  displays: 200,
  attacks: Object.keys(ATTACKS),
  attackScale: 1,
  attacksRepeat: false,
  sampleEveryMs: 1000,
  warmupSeconds: 5,
  maxHealthzP99Ms: 250,
  maxRssGrowthMb: 64,
};

export interface LoadReport {
  options: LoadOptions;
  seconds: number;
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: string[];
  /** Requests that got no answer at all, and a few of them. */
  unanswered: number;
  noAnswer: string[];
  acknowledgedTickets: number;
  lostTickets: string[];
  auditChainOk: boolean | undefined;
  healthz: Summary & { failures: number };
  rss: { firstMb: number; maxMb: number; growthMb: number };
  heap: { firstMb: number; maxMb: number; growthMb: number } | undefined;
  displays: { connects: number; messages: number; failures: number };
  devicesConnected: number;
  deviceCommands: number;
  attacks: AttackReport[];
  happenings: Record<string, number>;
  serverExit: string;
  samples: Sample[];
  /** Why the run failed; empty when it passed. */
  failures: string[];
}

const MB = 1024 * 1024;

/** Median of the `field` over a window of samples. */
function medianOf(samples: Sample[], field: 'rss' | 'heapUsed'): number {
  const xs = samples.map((s) => s[field]).filter((x): x is number => x !== undefined);
  return xs.length ? summarize(xs).p50 : NaN;
}

/** Growth from the first tenth of the run to the last tenth (medians, so one GC pause does not count). */
function growth(samples: Sample[], field: 'rss' | 'heapUsed'): { firstMb: number; maxMb: number; growthMb: number } {
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const first = medianOf(samples.slice(0, tenth), field);
  const last = medianOf(samples.slice(-tenth), field);
  const max = Math.max(...samples.map((s) => s[field] ?? 0));
  return { firstMb: first / MB, maxMb: max / MB, growthMb: (last - first) / MB };
}

/**
 * The reference hall with its two per-minute rules counted in real seconds scaled to the run's speed: the holder's
 * minute before a no-show, and a kiosk's numbers without an ID a minute (the hall day plays at `speed`×, the server's
 * clock does not).
 */
function hallAtSpeed(dataDir: string, speed: number): string {
  return writeReferenceHallCopy(dataDir, (hall) => {
    hall.policy.noShowAfterSeconds = Math.ceil(60 / speed);
    hall.policy.kioskTicketsWithoutIdPerMinute = Math.min(600, Math.ceil(6 * speed));
  });
}

export async function runLoad(partial: Partial<LoadOptions> = {}): Promise<LoadReport> {
  const o: LoadOptions = { ...DEFAULT_LOAD_OPTIONS, ...partial };
  const say = o.log ?? (() => undefined);
  for (const a of o.attacks)
    if (!ATTACKS[a]) throw new Error(`unknown attack ${a}; known: ${Object.keys(ATTACKS).join(', ')}`);
  const dataDir = makeTempDir('hallq-load-');
  const heapFile = join(dataDir, 'heap-probe.json');
  const probe = join(projectRoot(), 'dist', 'scripts', 'load', 'heap-probe.js');
  const mqttPort = await freePort();
  const server = await startHallProcess(join(dataDir, 'data'), {
    env: { MQTT_PORT: String(mqttPort), HALLQ_HEAP_PROBE_FILE: heapFile, HALL_CONFIG: hallAtSpeed(dataDir, o.speed) },
    nodeArgs: [...startCommand().nodeArgs, ...(existsSync(probe) ? ['--import', probe] : [])],
  });
  // Idle sockets are let go before the server's 5 s keep-alive timeout, so a reused one is never reset under a request.
  const api = apiClient(server.url, 10_000, { timeout: 4000 });
  const failures: string[] = [];
  /** What to stop however the run ends. */
  const cleanups: Array<() => unknown> = [];
  try {
    const counters = Array.from({ length: o.counters }, (_, i) => String(i + 1));
    const hall = await prepareHall(api, counters, o.devices);
    say(
      `server pid ${server.pid} on ${server.url}, MQTT ${mqttPort}; ${counters.length} counters, ${hall.devices.length} devices, ${o.displays} displays`,
    );

    const tally = new Tally(api);
    const started = Date.now();
    const deadline = started + o.seconds * 1000;
    const over = () => Date.now() >= deadline;
    const sampler = startSampler({ url: server.url, pid: server.pid, everyMs: o.sampleEveryMs, heapFile });
    const displays = startDisplays(
      server.url.replace(/^http/, 'ws') + '/ws',
      o.displays,
      60_000 / Math.max(1, o.speed / 5),
    );
    const devices = startDevices(`mqtt://127.0.0.1:${mqttPort}`, 'yunfu-realestate', hall.devices, 5000);
    cleanups.push(
      () => sampler.stop(),
      () => displays.stop(),
      () => devices.stop(),
    );
    const day = playHallDay(
      {
        speed: o.speed,
        arrivalsPerHour: 150,
        appointmentsPerHour: 10,
        counters,
        tokens: { manager: hall.manager, kiosk: hall.kiosk, staff: hall.staff, pads: hall.pads },
      },
      tally,
      deadline,
    );
    const attackReports: AttackReport[] = [];
    const attacks = (async () => {
      await new Promise((r) => setTimeout(r, Math.min(5000, o.seconds * 100)));
      do {
        for (const [i, name] of o.attacks.entries()) {
          const target = {
            host: '127.0.0.1',
            from: `127.0.2.${i + 1}`,
            httpPort: server.port,
            mqttPort,
            hallId: 'yunfu-realestate',
            flooder: hall.flooder,
          };
          if (over()) break;
          const { run, budget } = ATTACKS[name];
          const b = scaled(budget, o.attackScale);
          const attackStarted = Date.now();
          const report = await run(target, {
            count: b.count,
            holdMs: Math.min(b.holdMs, Math.max(1000, deadline - Date.now())),
          }).catch((err: Error) => {
            failures.push(`attack ${name} could not run: ${err.message}`);
            return {
              name,
              attempts: 0,
              endedByServer: 0,
              ms: Date.now() - attackStarted,
              note: `failed to run: ${err.message}`,
            };
          });
          attackReports.push(report);
          say(
            `attack ${report.name}: ${report.attempts} attempts, ${report.endedByServer} ended by the server, ${report.ms} ms`,
          );
        }
      } while (o.attacksRepeat && !over());
    })();
    const progress = setInterval(() => {
      if (over()) return;
      const last = sampler.samples.at(-1);
      say(
        `${Math.round((Date.now() - started) / 1000)} s: ${tally.requests} requests, ${tally.tickets.length} tickets, RSS ${((last?.rss ?? 0) / MB).toFixed(1)} MB, heap ${((last?.heapUsed ?? 0) / MB).toFixed(1)} MB, healthz ${last?.healthzMs?.toFixed(1) ?? 'none'} ms`,
      );
    }, 30_000);
    cleanups.push(() => clearInterval(progress));
    await Promise.all([day, attacks]);
    clearInterval(progress);
    displays.stop();
    const devicesConnected = devices.connected();
    await devices.stop();
    await sampler.stop();
    const seconds = (Date.now() - started) / 1000;

    // Every acknowledged ticket is still there, and the audit chain holds.
    const lostTickets: string[] = [];
    for (const t of tally.tickets) {
      const r = await tally.call('GET', `/api/v1/tickets/${t.id}`);
      if (r?.status !== 200) lostTickets.push(`${t.number} (${t.id}) → ${r?.status ?? 'no answer'}`);
    }
    const verify = await tally.call<{ ok: boolean }>('GET', '/api/v1/audit/verify', undefined, hall.manager);
    const serverExit =
      server.child.exitCode === null && server.child.signalCode === null
        ? 'running'
        : `exited ${server.child.exitCode ?? server.child.signalCode}`;

    const samples = sampler.samples;
    // The first seconds are the server warming up (JIT, first snapshots) under the displays' first connections.
    const measured = samples.filter((s) => s.t >= o.warmupSeconds * 1000);
    const answered = measured.map((s) => s.healthzMs).filter((x): x is number => x !== null);
    const healthz = { ...summarize(answered), failures: measured.length - answered.length };
    const rss = growth(samples, 'rss');
    const heap = samples.some((s) => s.heapUsed !== undefined) ? growth(samples, 'heapUsed') : undefined;

    if (serverExit !== 'running') failures.push(`the server ${serverExit} during the run:\n${server.output()}`);
    if (tally.serverErrors.length)
      failures.push(
        `${tally.statusBetween(500, 600)} answers were 5xx, e.g. ${tally.serverErrors.slice(0, 3).join('; ')}`,
      );
    if (tally.noAnswer)
      failures.push(`${tally.noAnswer} requests got no answer, e.g. ${tally.noAnswerSamples.slice(0, 3).join('; ')}`);
    if (lostTickets.length)
      failures.push(`${lostTickets.length} acknowledged tickets are gone: ${lostTickets.slice(0, 5).join(', ')}`);
    if (verify?.body?.ok !== true) failures.push(`the audit chain does not verify: ${JSON.stringify(verify?.body)}`);
    if (healthz.failures) failures.push(`/healthz did not answer 200 within 5 s ${healthz.failures} times`);
    if (!(healthz.p99 <= o.maxHealthzP99Ms))
      failures.push(`/healthz p99 ${healthz.p99.toFixed(1)} ms is over the limit of ${o.maxHealthzP99Ms} ms`);
    if (rss.growthMb > o.maxRssGrowthMb)
      failures.push(`RSS grew ${rss.growthMb.toFixed(1)} MB, over the limit of ${o.maxRssGrowthMb} MB`);

    return {
      options: o,
      seconds,
      requests: tally.requests,
      byStatus: Object.fromEntries([...tally.byStatus.entries()].sort(([a], [b]) => a - b)),
      serverErrors: tally.serverErrors,
      unanswered: tally.noAnswer,
      noAnswer: tally.noAnswerSamples,
      acknowledgedTickets: tally.tickets.length,
      lostTickets,
      auditChainOk: verify?.body?.ok,
      healthz,
      rss,
      heap,
      displays: { connects: displays.connects, messages: displays.messages, failures: displays.failures },
      devicesConnected,
      deviceCommands: devices.commands,
      attacks: attackReports,
      happenings: tally.happenings,
      serverExit,
      samples,
      failures,
    };
  } finally {
    for (const stop of cleanups) await Promise.resolve(stop()).catch(() => undefined);
    api.close();
    await server.stop();
    if (!o.keepData) removeTempDir(dataDir);
  }
}
