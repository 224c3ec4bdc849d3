/**
 * Features start in the order of their list and stop in reverse; one failing to start is logged and the rest go on,
 * unless the hall cannot run without it. The hall service reports a fatal error to its owner instead of exiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { EventBus } from '../../server/core/event-bus.js';
import { startFeatures, stopFeatures, type Feature } from '../../server/core/feature.js';
import { HallService } from '../../server/core/hall-service.js';
import { log } from '../../server/log.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import { openDb } from '../../server/store/db.js';
import { MANAGER } from '../domain/harness.js';

function feature(name: string, journal: string[], opts: { fails?: boolean; required?: boolean } = {}): Feature {
  return {
    name,
    required: opts.required,
    start() {
      if (opts.fails) throw new Error(`${name} cannot start`);
      journal.push(`start ${name}`);
    },
    async stop() {
      journal.push(`stop ${name}`);
    },
  };
}

describe('features', () => {
  it('start in order, stop in reverse, and a failing optional one is left out', async () => {
    log.setLevel('silent');
    const journal: string[] = [];
    const started = await startFeatures([
      feature('intake', journal),
      feature('printing', journal, { fails: true }),
      feature('http', journal, { required: true }),
    ]);
    expect(started.map((f) => f.name)).toEqual(['intake', 'http']);
    await stopFeatures(started);
    expect(journal).toEqual(['start intake', 'start http', 'stop http', 'stop intake']);
  });

  it('a required one failing stops those already started and fails the start', async () => {
    log.setLevel('silent');
    const journal: string[] = [];
    const list = [
      feature('intake', journal),
      feature('link', journal),
      feature('http', journal, { required: true, fails: true }),
      feature('jobs', journal),
    ];
    await expect(startFeatures(list)).rejects.toThrow(/http cannot start/);
    expect(journal).toEqual(['start intake', 'start link', 'stop link', 'stop intake']);
  });
});

describe('a fatal error of the hall service', () => {
  it('goes to the owner’s callback; the service never exits the process itself', () => {
    log.setLevel('silent');
    const dir = mkdtempSync(join(tmpdir(), 'hallq-fatal-'));
    const db = openDb(dir);
    const fatal: Error[] = [];
    try {
      const hall = new HallService({
        hallFile: loadHallFile(),
        db,
        secret: HallSecret.loadOrCreate(dir),
        bus: new EventBus(),
        alwaysOpen: true,
        onFatal: (e) => fatal.push(e),
      });
      hall.rebuild();
      // An event the state cannot apply (no such ticket): written, then applying fails, and so does every replay.
      const broken = () => ({
        events: [{ type: 'ticket.started' as const, data: { ticketId: 't_missing', counterId: '1', at: 0 } }],
      });
      expect(() => hall.execute(MANAGER, broken)).toThrow();
      expect(fatal).toHaveLength(1);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
