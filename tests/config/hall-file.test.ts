import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HALL_PATH, HallConfigError, parseHallFile } from '../../server/config/load-hall.js';

const reference = JSON.parse(readFileSync(DEFAULT_HALL_PATH, 'utf8'));

/** The message of the HallConfigError that parsing `bad` throws. */
function problemsOf(bad: unknown): string {
  try {
    parseHallFile(JSON.stringify(bad), 'bad.json');
  } catch (err) {
    expect(err).toBeInstanceOf(HallConfigError);
    return (err as Error).message;
  }
  throw new Error('the hall file was accepted');
}

/** Where `ours` lacks something of `theirs`: every key of an object, every element of a list (in order), each value. */
function missingFrom(ours: unknown, theirs: unknown, path: string): string[] {
  if (Array.isArray(theirs)) {
    if (!Array.isArray(ours)) return [path];
    let from = 0;
    const missing: string[] = [];
    theirs.forEach((item, i) => {
      const at = ours.findIndex((o, j) => j >= from && missingFrom(o, item, '').length === 0);
      if (at < 0) missing.push(`${path}[${i}]`);
      else from = at + 1;
    });
    return missing;
  }
  if (theirs !== null && typeof theirs === 'object') {
    if (ours === null || typeof ours !== 'object') return [path];
    return Object.entries(theirs).flatMap(([k, v]) =>
      missingFrom((ours as Record<string, unknown>)[k], v, `${path}.${k}`),
    );
  }
  return Object.is(ours, theirs) ? [] : [path];
}

describe('the hall file', () => {
  it('ships the reference hall as the default, with its calendar filled in', () => {
    const shared = JSON.parse(
      readFileSync(new URL('../../../shared/halls/yunfu-realestate.json', import.meta.url), 'utf8'),
    );
    // The reference leaves the official calendar for the project to fill (2026: docs/operations.md), and the
    // project's playbooks add to the reference's (severities, more triggers, release thresholds: docs/playbooks.md)
    // without dropping or changing anything of it; `hall.location` (the city's nearest sites, docs/city.md) is ours.
    expect({
      ...reference,
      hall: { ...reference.hall, location: undefined },
      calendar: undefined,
      playbooks: undefined,
    }).toEqual({
      ...shared,
      calendar: undefined,
      playbooks: undefined,
    });
    expect(missingFrom(reference.playbooks, shared.playbooks, 'playbooks')).toEqual([]);
    expect(reference.calendar.holidays).toContain('2026-02-16');
    expect(reference.calendar.workdays).toContain('2026-02-14');
    expect(parseHallFile(JSON.stringify(reference)).services).toHaveLength(8);
  });

  it('names the field and the reason of every problem', () => {
    const bad = structuredClone(reference);
    bad.services[1].prefix = 'A';
    bad.counters[2].services[1] = ['no-such-service'];
    bad.hours.weekly.mon[0] = ['12:00', '08:30'];
    bad.hall.timezone = 'Mars/Olympus';
    const message = problemsOf(bad);
    expect(message).toContain('services[1].prefix: duplicate prefix "A"');
    expect(message).toContain('counters[2].services[1][0]: unknown service "no-such-service"');
    expect(message).toContain('hours.weekly.mon[0]');
    expect(message).toContain('hall.timezone');
  });

  it('refuses a calendar day that is both a holiday and a make-up working day, and dates that are not real', () => {
    const bad = structuredClone(reference);
    bad.calendar.workdays.push('2026-10-01');
    bad.calendar.holidays.push('2026-02-30', '2026/03/01');
    const message = problemsOf(bad);
    expect(message).toMatch(
      /calendar\.workdays\[\d+\]: 2026-10-01 is listed both as a holiday and as a make-up working day/,
    );
    expect(message).toContain('not a real date');
    expect(message).toContain('must be YYYY-MM-DD');
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
