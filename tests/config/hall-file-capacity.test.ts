/** The hall file's capacity, closing and A/B post fields: defaults when missing, clear errors when wrong. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HALL_PATH, parseHallFile } from '../../server/config/load-hall.js';

const reference = JSON.parse(readFileSync(DEFAULT_HALL_PATH, 'utf8'));

describe('hall file: capacity, closing and A/B posts', () => {
  it('fills in defaults for a hall file without them', () => {
    const hall = parseHallFile(JSON.stringify(reference));
    expect(hall.policy).toMatchObject({
      appointmentSlotMinutes: 30,
      appointmentBookAheadDays: 14,
      backupAfterPausedMinutes: 10,
    });
    expect(hall.hours.extendedServiceMinutes).toBe(60);
    expect(hall.counters.every((c) => c.backupStaff.length === 0)).toBe(true);
    const noExtended = structuredClone(reference);
    delete noExtended.hours.extendedServiceMinutes;
    expect(parseHallFile(JSON.stringify(noExtended)).hours.extendedServiceMinutes).toBe(0);
  });

  it('names the field of a bad value', () => {
    const bad = structuredClone(reference);
    bad.policy.appointmentSlotMinutes = 0;
    bad.policy.appointmentBookAheadDays = 400;
    bad.counters[0].backupStaff = [''];
    let message = '';
    try {
      parseHallFile(JSON.stringify(bad));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('policy.appointmentSlotMinutes');
    expect(message).toContain('policy.appointmentBookAheadDays');
    expect(message).toContain('counters[0].backupStaff[0]');
  });
});
