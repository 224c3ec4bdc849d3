/** Appointments nobody checks in for are recorded as no-shows after the late window, by the hall itself, audited. */
import { afterEach, describe, expect, it } from 'vitest';
import type { DayRules } from '../../server/features/day-rules/index.js';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectOk, manualClock, MONDAY_10, V1 } from './support.js';

let h: TestHall | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const at = (hhmm: string) => `2026-03-02T${hhmm}:00+08:00`;

function dayRules(hall: TestHall): DayRules {
  return hall.running.features.find((f) => f.name === 'day-rules') as DayRules;
}

describe('appointment no-shows', () => {
  it('are recorded once the late window has passed, and a later check-in is still a late walk-in', async () => {
    const clock = manualClock(MONDAY_10);
    h = await startTestHall({ clock: clock.clock });
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const book = async (serial: number) => {
      const r = await h!.api(
        'POST',
        `${V1}/appointments`,
        {
          serviceId: 'one-window',
          slotStart: at('10:30'),
          slotEnd: at('11:00'),
          idNumber: makeIdNumber('19820304', serial),
        },
        h!.managerToken,
      );
      expectOk(r, 201);
      return r.body.appointment;
    };
    const absent = await book(1);
    const present = await book(2);
    clock.set(at('10:35'));
    expectOk(await h.api('POST', `${V1}/appointments/check-in`, { code: present.code }, kiosk), 201);
    clock.set(at('10:45')); // slot start + appointmentLateMinutes (15): still inside
    await dayRules(h).tick();
    const status = async () =>
      Object.fromEntries(
        (await h!.api('GET', `${V1}/appointments`, undefined, h!.managerToken)).body.appointments.map((a: any) => [
          a.id,
          a.status,
        ]),
      );
    expect(await status()).toEqual({ [absent.id]: 'booked', [present.id]: 'checked_in' });
    clock.set(at('10:46'));
    await dayRules(h).tick();
    await dayRules(h).tick(); // recorded once
    expect(await status()).toEqual({ [absent.id]: 'no_show', [present.id]: 'checked_in' });
    const recorded = (await auditAll(h)).filter((e) => e.type === 'appointment.no_show');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ actor: 'system:system', data: { appointmentId: absent.id } });
    const late = await h.api('POST', `${V1}/appointments/check-in`, { code: absent.code }, kiosk);
    expectOk(late, 201);
    expect(late.body).toMatchObject({ late: true, ticket: { priority: 'normal' } });
  });
});
