/** The queue order and the numbers survive the hall's clock being stepped back or forward (NTP, a wrong RTC). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { callNext, expectOk, issue, manualClock, MONDAY_10, V1 } from './support.js';

let h: TestHall | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function callOrder(hall: TestHall, staff: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push((await callNext(hall, '1', staff)).number);
    expectOk(await hall.api('POST', `${V1}/counters/1/finish`, {}, staff));
  }
  return out;
}

/** A hall on a hand-turned clock at Monday 10:00, with a kiosk and staff signed in at counter 1 (one-window). */
async function hallWithKioskAndCounter() {
  const clock = manualClock(MONDAY_10);
  h = await startTestHall({ clock: clock.clock });
  return { clock, kiosk: (await h.device('kiosk-1', 'kiosk')).token, staff: await h.staffAt('1') };
}

describe('clock steps', () => {
  it('a step back of five minutes does not put a later ticket before an earlier one', async () => {
    const { clock, kiosk, staff } = await hallWithKioskAndCounter();
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001 at 10:00
    clock.advance(-5);
    const second = await issue(h, kiosk, { serviceId: 'one-window' }); // A002 at 09:55 by the wall clock
    expect(second.issuedAt).toBe('2026-03-02T01:55:00.000Z'); // shown as the wall clock says
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'one-window' }); // A003 at 09:56
    expect(await callOrder(h, staff, 3)).toEqual(['A001', 'A002', 'A003']);
  });

  it('a priority ticket issued after a step back keeps its credit against the tickets before it', async () => {
    const { clock, kiosk, staff } = await hallWithKioskAndCounter();
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001 at 10:00
    clock.advance(40);
    await issue(h, kiosk, { serviceId: 'one-window' }); // A002 at 10:40
    clock.advance(-20); // back to 10:20: the queue's clock stays at 10:40
    await issue(h, kiosk, { serviceId: 'one-window', priority: 'priority', priorityReason: 'pregnant' }); // A003: 10:40 − credit
    const credit = h!.running.hall.hallFile.policy.priorityCreditMinutes;
    expect(credit).toBeGreaterThan(0);
    expect(credit).toBeLessThan(40);
    expect(await callOrder(h, staff, 3)).toEqual(['A001', 'A003', 'A002']);
  });

  it('a forward step corrected back later keeps issue order', async () => {
    const { clock, kiosk, staff } = await hallWithKioskAndCounter();
    await issue(h, kiosk, { serviceId: 'one-window' }); // 10:00
    clock.advance(60);
    await issue(h, kiosk, { serviceId: 'one-window' }); // 11:00 (wrong)
    clock.advance(-59);
    await issue(h, kiosk, { serviceId: 'one-window' }); // 10:01 (right again)
    expect(await callOrder(h, staff, 3)).toEqual(['A001', 'A002', 'A003']);
  });

  it('keeps the queue’s clock across a restart (rebuilt from the log)', async () => {
    const clock = manualClock(MONDAY_10);
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-clock-'));
    h = await startTestHall({ clock: clock.clock, dataDir });
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001 at 10:00
    await h.stop();
    clock.advance(-5);
    h = await startTestHall({ clock: clock.clock, dataDir });
    await issue(h, kiosk, { serviceId: 'one-window' }); // A002 at 09:55
    const staff = await h.staffAt('1');
    expect(await callOrder(h, staff, 2)).toEqual(['A001', 'A002']);
    await h.stop();
    h = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('numbers neither restart nor repeat when the clock steps back over midnight', async () => {
    const clock = manualClock('2026-03-03T00:00:30+08:00');
    h = await startTestHall({ clock: clock.clock });
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    expect((await issue(h, kiosk, { serviceId: 'one-window' })).number).toBe('A001');
    clock.advance(-2); // 2 March, 23:58:30
    expect((await issue(h, kiosk, { serviceId: 'one-window' })).number).toBe('A002');
    expect((await h.api('GET', `${V1}/hall`)).body.day).toBe('2026-03-03');
    clock.advance(3);
    expect((await issue(h, kiosk, { serviceId: 'one-window' })).number).toBe('A003');
  });
});
