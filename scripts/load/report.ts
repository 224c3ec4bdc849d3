/** The load run's report as text: health, traffic, attacks, and the verdict. */
import { mb, ms, table } from '../bench/stats.js';
import type { LoadReport } from './run.js';

export function formatLoadReport(r: LoadReport): string {
  const o = r.options;
  const MB = 1024 * 1024;
  const serverErrors = Object.entries(r.byStatus).reduce(
    (n, [status, count]) => n + (Number(status) >= 500 ? count : 0),
    0,
  );
  const lines = [
    `Load run: ${r.seconds.toFixed(0)} s of a hall day at ${o.speed}×, ${o.counters} counters, ${o.devices} devices, ${o.displays} displays; attacks: ${o.attacks.join(', ') || 'none'}${o.attacksRepeat ? ' (repeated)' : ''}`,
    '',
    table([
      ['figure', 'value', 'limit'],
      [
        '/healthz p50 / p99 / max',
        `${ms(r.healthz.p50)} / ${ms(r.healthz.p99)} / ${ms(r.healthz.max)}`,
        `p99 ≤ ${o.maxHealthzP99Ms} ms`,
      ],
      ['/healthz without an answer', String(r.healthz.failures), '0'],
      [
        'RSS first / max / growth',
        `${mb(r.rss.firstMb * MB)} / ${mb(r.rss.maxMb * MB)} / ${r.rss.growthMb.toFixed(1)} MB`,
        `growth ≤ ${o.maxRssGrowthMb} MB`,
      ],
      [
        'V8 heap first / max / growth',
        r.heap
          ? `${mb(r.heap.firstMb * MB)} / ${mb(r.heap.maxMb * MB)} / ${r.heap.growthMb.toFixed(1)} MB`
          : 'n/a (no heap probe in dist/)',
        '',
      ],
      ['requests / 5xx / no answer', `${r.requests} / ${serverErrors} / ${r.unanswered}`, '5xx 0, no answer 0'],
      ['tickets acknowledged / lost', `${r.acknowledgedTickets} / ${r.lostTickets.length}`, 'lost 0'],
      ['audit chain', r.auditChainOk ? 'verifies' : 'DOES NOT VERIFY', ''],
      [
        'displays connects / messages / failed',
        `${r.displays.connects} / ${r.displays.messages} / ${r.displays.failures}`,
        '',
      ],
      ['devices connected at the end / commands', `${r.devicesConnected} / ${r.deviceCommands}`, ''],
      ['server', r.serverExit, 'running'],
    ]),
    '',
    'Answers by status: ' +
      Object.entries(r.byStatus)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', '),
    'Hall day: ' +
      Object.entries(r.happenings)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', '),
  ];
  if (r.attacks.length) {
    lines.push(
      '',
      table([
        ['attack', 'attempts', 'ended by server', 'ms', 'meaning'],
        ...r.attacks.map((a) => [a.name, String(a.attempts), String(a.endedByServer), String(a.ms), a.note]),
      ]),
    );
  }
  lines.push('', r.failures.length ? `FAILED:\n- ${r.failures.join('\n- ')}` : 'PASSED');
  return lines.join('\n');
}
