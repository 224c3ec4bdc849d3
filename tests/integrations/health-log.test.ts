/**
 * An outside system's outage is in the log, as docs/integrations.md says: one warning when it counts as an outage,
 * one line when it works again — not one per failed call, and none for a failure shorter than the report delay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../server/core/event-bus.js';
import { IntegrationHealth } from '../../server/features/integrations/health.js';
import { log } from '../../server/log.js';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  log.setLevel('silent');
});

function capture(): string[] {
  const lines: string[] = [];
  const collect = { write: (l: string) => (lines.push(l), true), once: () => undefined, writableLength: 0 };
  restore = log.redirect(collect as never, collect as never);
  log.setLevel('info');
  return lines;
}

describe('integration health in the log', () => {
  it('warns once when a failure lasts, says once when it works again; a short one says nothing', () => {
    const lines = capture();
    let now = 1_000_000;
    const health = new IntegrationHealth(
      'sms',
      true,
      new EventBus(),
      () => now,
      () => 0,
      30_000,
    );
    health.succeeded();
    health.failed('HTTP 500 from gateway');
    now += 10_000;
    health.succeeded(); // 10 s: under the report delay
    for (let i = 0; i < 5; i++) {
      health.failed('HTTP 500 from gateway, phone 13800138000');
      now += 10_000;
    }
    health.succeeded();
    log.flush();
    const mine = lines.map((l) => JSON.parse(l)).filter((l) => l.system === 'sms');
    expect(mine.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'outside system failing'],
      ['info', 'outside system working again'],
    ]);
    expect(JSON.stringify(mine)).not.toContain('13800138000');
    expect(mine[1].failedForMs).toBe(50_000);
  });
});
