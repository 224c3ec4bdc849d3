/**
 * What the city drops from a site's subject is said at most once a minute a subject, with a count: one site's login
 * sending junk at 16,500 a second wrote a warning for each, 10 GB of log an hour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CityConsumer } from '../../server/city/consumer.js';
import { CityReadModel } from '../../server/city/read-model.js';
import { log } from '../../server/log.js';

const dir = mkdtempSync(join(tmpdir(), 'hallq-city-dropped-'));
afterEach(() => vi.restoreAllMocks());

describe('messages the city drops', () => {
  it('are logged once a minute a subject, with how many', () => {
    const model = new CityReadModel(dir);
    let now = 1_000_000;
    const city = new CityConsumer(model, { url: 'nats://127.0.0.1:1', replicas: 1 }, () => now);
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    const handle = (subject: string, body: string) =>
      (city as unknown as { handle(s: string, d: Uint8Array, at: number): void }).handle(
        subject,
        new TextEncoder().encode(body),
        now,
      );
    try {
      for (let i = 0; i < 1000; i++) handle('city.site.flooder.events', '{}');
      handle('city.site.other.events', 'not json');
      const lines = () => warn.mock.calls.filter((c) => c[0] === 'city message dropped');
      expect(lines().map((c) => (c[1] as { subject: string }).subject)).toEqual([
        'city.site.flooder.events',
        'city.site.other.events',
      ]);
      now += 60_000;
      handle('city.site.flooder.events', '{}');
      expect(lines().at(-1)![1]).toMatchObject({ subject: 'city.site.flooder.events', dropped: 1000 });
    } finally {
      model.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
