/**
 * A hall whose power comes back: time from launching the server as `npm start` does (the built output, nothing
 * compiled) to the first 200 from /healthz, on a DATA_DIR holding a year of history, each previous run killed as a
 * power cut kills it. `--installed` runs an installed copy (production packages only, see lib/installed-copy.ts).
 *
 *   node dist/scripts/bench/restart-bench.js [--days 250] [--tickets 200] [--runs 5] [--installed]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { log } from '../../server/log.js';
import {
  BOOTSTRAP_MANAGER,
  cpuTimeMs,
  makeTempDir,
  removeTempDir,
  rssBytes,
  SERVER_ENTRY,
  spawnServer,
  startCommand,
  watchdog,
} from '../lib/hall-process.js';
import { makeInstalledCopy } from '../lib/installed-copy.js';
import { buildHistory } from './rebuild-bench.js';
import { mb, median, table, verdict } from './stats.js';

/** What a start of an installed hall must do: serve /healthz within this of its launch. */
export const RESTART_TARGET_MS = 2000;

export interface RestartBenchResult {
  days: number;
  events: number;
  installed: boolean;
  /**
   * The first start over the built history, not timed as a restart: no hall has opened this log yet, so it checks
   * the whole chain (no verified mark) and freezes every past day's report, as a hall does once after an upgrade.
   */
  firstOpenMs: number;
  /** Launch → first /healthz 200, per run after that first opening (ms; polled every 20 ms). */
  readyMs: number[];
  /** CPU time (user + system) the server had used by then, per run: what the wall time is on an idle machine. */
  cpuMs: number[];
  rssReady?: number;
}

export async function runRestartBench(opts: {
  days: number;
  tickets: number;
  runs: number;
  installed: boolean;
}): Promise<RestartBenchResult> {
  log.setLevel('silent');
  const dataDir = makeTempDir('hallq-restart-data-');
  const { events } = buildHistory(dataDir, opts.days, opts.tickets);
  const root = opts.installed ? makeTempDir('hallq-installed-') : undefined;
  if (root) makeInstalledCopy(root);
  const { env, nodeArgs } = startCommand();
  const readyMs: number[] = [];
  const cpuMs: number[] = [];
  let rssReady: number | undefined;
  let firstOpenMs = 0;
  try {
    for (let i = -1; i < opts.runs; i++) {
      const launched = performance.now();
      const server = await spawnServer({
        entry: root ? join(root, SERVER_ENTRY) : SERVER_ENTRY,
        cwd: root,
        nodeArgs,
        readyTimeoutMs: 60_000,
        env: {
          ...env,
          DATA_DIR: dataDir,
          HALLQ_HOURS: 'always',
          HALLQ_BOOTSTRAP_MANAGER: `${BOOTSTRAP_MANAGER.username}:${BOOTSTRAP_MANAGER.password}`,
          MQTT_PORT: '0',
          LOG_LEVEL: 'warn',
        },
      });
      if (i < 0) firstOpenMs = performance.now() - launched;
      else {
        readyMs.push(performance.now() - launched);
        cpuMs.push(cpuTimeMs(server.pid));
        rssReady = rssBytes(server.pid);
      }
      await server.kill('SIGKILL'); // the power cut: no checkpoint at shutdown
    }
  } finally {
    removeTempDir(dataDir);
    if (root) removeTempDir(root);
  }
  return { days: opts.days, events, installed: opts.installed, firstOpenMs, readyMs, cpuMs, rssReady };
}

export function formatRestartBench(r: RestartBenchResult): string {
  const sorted = [...r.readyMs].sort((a, b) => a - b);
  return [
    `Restart after ${r.days} hall days (${r.events} log entries), ${r.installed ? 'installed copy (production packages only)' : 'this checkout'}`,
    table([
      ['measure', 'value'],
      ['launch → /healthz 200, each run', r.readyMs.map((x) => `${x.toFixed(0)} ms`).join(', ')],
      ['median / worst', `${median(r.readyMs).toFixed(0)} ms / ${sorted[sorted.length - 1].toFixed(0)} ms`],
      ['CPU time used by then, each run', r.cpuMs.map((x) => `${x.toFixed(0)} ms`).join(', ')],
      ['target', `< ${RESTART_TARGET_MS} ms: ${verdict(sorted[sorted.length - 1], RESTART_TARGET_MS)}`],
      ['RSS when ready', mb(r.rssReady)],
      ['first opening of this history (not timed as a restart)', `${r.firstOpenMs.toFixed(0)} ms`],
    ]),
  ].join('\n');
}

if (process.argv[1]?.endsWith('restart-bench.js') || process.argv[1]?.endsWith('restart-bench.ts')) {
  const { values } = parseArgs({
    options: {
      days: { type: 'string', default: '250' },
      tickets: { type: 'string', default: '200' },
      runs: { type: 'string', default: '5' },
      installed: { type: 'boolean', default: false },
    },
  });
  const opts = {
    days: Number(values.days),
    tickets: Number(values.tickets),
    runs: Number(values.runs),
    installed: values.installed ?? false,
  };
  watchdog(10 * 60_000, 'restart-bench');
  runRestartBench(opts).then(
    (r) => console.log(formatRestartBench(r)),
    (err) => {
      console.error((err as Error).message);
      process.exit(1);
    },
  );
}
