/** Runs the API and WebSocket benchmarks one after the other and prints a summary beside the targets. */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { watchdog } from '../lib/hall-process.js';
import {
  apiBenchArgs,
  apiBenchLimitMs,
  formatApiBench,
  ISSUE_P99_TARGET_MS,
  runApiBench,
  type ApiBenchOptions,
} from './api-bench.js';
import { mb, ms, table, times, verdict } from './stats.js';
import {
  CALL_TO_EVENT_P99_TARGET_MS,
  clientKind,
  formatWsBench,
  RSS_TARGET_BYTES,
  runWsBench,
  wsBenchLimitMs,
  type WsBenchOptions,
} from './ws-bench.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      seconds: { type: 'string' },
      clients: { type: 'string' },
      'ws-clients': { type: 'string' },
      rounds: { type: 'string' },
      'ws-client': { type: 'string' },
      'api-client': { type: 'string' },
    },
    strict: false,
  });
  const apiClientArg = values['api-client'] === undefined ? [] : ['--client', String(values['api-client'])];
  const apiOptions: ApiBenchOptions = {
    ...apiBenchArgs(apiClientArg),
    seconds: Number(values.seconds ?? 10),
    clients: Number(values.clients ?? 50),
  };
  const wsOptions: WsBenchOptions = {
    clients: Number(values['ws-clients'] ?? 500),
    rounds: Number(values.rounds ?? 100),
    client: clientKind(values['ws-client']),
  };
  watchdog(apiBenchLimitMs(apiOptions) + wsBenchLimitMs(wsOptions), 'run-all');

  const api = await runApiBench(apiOptions);
  console.log(formatApiBench(api) + '\n');
  const ws = await runWsBench(wsOptions);
  console.log(formatWsBench(ws) + '\n');

  const b = api.baseline;
  const hall = ws.hall;
  const wsBase = ws.baseline;
  console.log('Summary');
  console.log(
    table([
      ['figure', 'measured', 'baseline', 'vs baseline', 'target'],
      [
        `issue p50 / p99 (${apiOptions.clients} clients)`,
        `${ms(api.issue.p50)} / ${ms(api.issue.p99)}`,
        `${ms(b.p50)} / ${ms(b.p99)} durable insert`,
        `${times(api.issue.p50, b.p50)} / ${times(api.issue.p99, b.p99)}`,
        `p99 < ${ISSUE_P99_TARGET_MS} ms: ${verdict(api.issue.p99, ISSUE_P99_TARGET_MS)}`,
      ],
      [
        `issue p50 / p99 (${apiOptions.clients} clients × 10/s)`,
        `${ms(api.issuePaced.p50)} / ${ms(api.issuePaced.p99)}`,
        `${ms(b.p50)} / ${ms(b.p99)} durable insert`,
        `${times(api.issuePaced.p50, b.p50)} / ${times(api.issuePaced.p99, b.p99)}`,
        `p99 < ${ISSUE_P99_TARGET_MS} ms: ${verdict(api.issuePaced.p99, ISSUE_P99_TARGET_MS)}`,
      ],
      [
        'issue p50 / p99 (1 client)',
        `${ms(api.issueAlone.p50)} / ${ms(api.issueAlone.p99)}`,
        `${ms(b.p50)} / ${ms(b.p99)} durable insert`,
        `${times(api.issueAlone.p50, b.p50)} / ${times(api.issueAlone.p99, b.p99)}`,
        '',
      ],
      [
        'issue throughput',
        `${api.issue.perSecond.toFixed(0)} /s`,
        `${b.perSecond.toFixed(0)} /s durable insert`,
        times(api.issue.perSecond, b.perSecond) + ' the rate',
        '',
      ],
      [
        `call-next p50 / p99 (${api.counters} counters)`,
        `${ms(api.callNext.p50)} / ${ms(api.callNext.p99)}`,
        `${ms(b.p50)} / ${ms(b.p99)} durable insert`,
        `${times(api.callNext.p50, b.p50)} / ${times(api.callNext.p99, b.p99)}`,
        '',
      ],
      [
        `call → WS event p50 / p99 (${wsOptions.clients} clients)`,
        `${ms(hall.delivery.p50)} / ${ms(hall.delivery.p99)}`,
        `${ms(wsBase.delivery.p50)} / ${ms(wsBase.delivery.p99)} bare ws`,
        `${times(hall.delivery.p50, wsBase.delivery.p50)} / ${times(hall.delivery.p99, wsBase.delivery.p99)}`,
        `p99 < ${CALL_TO_EVENT_P99_TARGET_MS} ms: ${verdict(hall.delivery.p99, CALL_TO_EVENT_P99_TARGET_MS)}`,
      ],
      [
        `server RSS with ${wsOptions.clients} clients`,
        mb(hall.rssConnected),
        `${mb(wsBase.rssConnected)} bare ws`,
        times(hall.rssConnected ?? NaN, wsBase.rssConnected ?? NaN),
        `< ${mb(RSS_TARGET_BYTES)}: ${verdict(hall.rssConnected, RSS_TARGET_BYTES)}`,
      ],
      [
        'server RSS idle (before clients)',
        mb(hall.rssIdle),
        `${mb(wsBase.rssIdle)} bare ws`,
        times(hall.rssIdle ?? NaN, wsBase.rssIdle ?? NaN),
        '',
      ],
    ]),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
