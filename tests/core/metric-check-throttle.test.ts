/**
 * Metric triggers walk every waiting ticket: under a stream of commands they are checked at most once a second (the
 * first change at once, the rest together after the second), never once per command.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { EventBus, type CommittedEvent } from '../../server/core/event-bus.js';
import type { HallService } from '../../server/core/hall-service.js';
import { AutomaticTriggers } from '../../server/features/playbooks/automatic-triggers.js';

const issued = (seq: number): CommittedEvent[] => [
  {
    seq,
    streamSeq: seq,
    at: 0,
    actor: 'kiosk:k1',
    event: { type: 'ticket.cancelled', data: { ticketId: `t${seq}`, at: 0, reason: 'holder' } },
  },
];

describe('metric trigger checks under load', () => {
  let triggers: AutomaticTriggers | undefined;
  afterEach(() => {
    triggers?.stop();
    vi.useRealTimers();
  });

  it('run once for the first command, then once for the hundred that follow within the second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const bus = new EventBus();
    const hall = {
      bus,
      hallFile: loadHallFile(),
      state: { playbooks: [] },
      clock: () => Date.now(),
    } as unknown as HallService;
    triggers = new AutomaticTriggers(hall);
    const checks = vi.spyOn(triggers, 'checkMetrics').mockImplementation(() => undefined);
    triggers.start();

    bus.emit('committed', issued(1));
    await Promise.resolve();
    expect(checks).toHaveBeenCalledTimes(1);
    for (let i = 2; i <= 101; i++) {
      bus.emit('committed', issued(i));
      await Promise.resolve();
    }
    expect(checks).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(checks).toHaveBeenCalledTimes(2);
    // A quiet spell later, the next command is checked at once again.
    await vi.advanceTimersByTimeAsync(2_000);
    const before = checks.mock.calls.length;
    bus.emit('committed', issued(200));
    await Promise.resolve();
    expect(checks).toHaveBeenCalledTimes(before + 1);
  });
});
