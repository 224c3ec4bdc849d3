import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HALL_PATH, HallConfigError, parseHallFile } from '../../server/config/load-hall.js';

const reference = JSON.parse(readFileSync(DEFAULT_HALL_PATH, 'utf8'));

describe('the hall file', () => {
  it('ships the reference hall unchanged as the default', () => {
    const shared = JSON.parse(
      readFileSync(new URL('../../../shared/halls/yunfu-realestate.json', import.meta.url), 'utf8'),
    );
    expect(reference).toEqual(shared);
    expect(parseHallFile(JSON.stringify(reference)).services).toHaveLength(8);
  });

  it('names the field and the reason of every problem', () => {
    const bad = structuredClone(reference);
    bad.services[1].prefix = 'A';
    bad.counters[2].services[1] = ['no-such-service'];
    bad.hours.weekly.mon[0] = ['12:00', '08:30'];
    bad.hall.timezone = 'Mars/Olympus';
    let message = '';
    try {
      parseHallFile(JSON.stringify(bad), 'bad.json');
    } catch (err) {
      expect(err).toBeInstanceOf(HallConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('services[1].prefix: duplicate prefix "A"');
    expect(message).toContain('counters[2].services[1][0]: unknown service "no-such-service"');
    expect(message).toContain('hours.weekly.mon[0]');
    expect(message).toContain('hall.timezone');
  });

  it('stops the server start with that message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-cfg-'));
    const file = join(dir, 'hall.json');
    writeFileSync(file, JSON.stringify({ ...reference, policy: { ...reference.policy, recallLimit: -1 } }));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      encoding: 'utf8',
      env: { ...process.env, HALL_CONFIG: file, DATA_DIR: dir, PORT: '0', MQTT_PORT: '0' },
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('policy.recallLimit');
  });
});
