/** A/B posts (AB岗, R7): a counter left with people waiting asks the backup staff the hall file names to take over. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import type { DayRules } from '../../server/features/day-rules/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { auditAll, expectOk, issue, manualClock, MONDAY_10, newStaffAt, V1 } from './support.js';

let h: TestHall | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const tick = (hall: TestHall) => (hall.running.features.find((f) => f.name === 'day-rules') as DayRules).tick();
const requests = async (hall: TestHall) =>
  (await auditAll(hall)).filter((e) => e.type === 'counter.takeover_requested').map((e) => e.data);

/** The reference hall with backup staff `wang` for counter 7 (records queries). */
function fileWithBackup() {
  const file = loadHallFile();
  return { ...file, counters: file.counters.map((c) => (c.id === '7' ? { ...c, backupStaff: ['wang'] } : c)) };
}

/** That hall on a hand-turned clock (in `dataDir` when given, so that it can be started again on it). */
async function hallWithBackup(dataDir?: string) {
  const clock = manualClock(MONDAY_10);
  h = await startTestHall({ clock: clock.clock, hallFile: fileWithBackup(), dataDir });
  const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
  return { clock, hall: h, kiosk, staff: await newStaffAt(h, '7', 'li') };
}

describe('A/B posts', () => {
  it('asks the backup once the counter has been paused too long with people waiting', async () => {
    const { clock, hall, kiosk, staff } = await hallWithBackup();
    await issue(hall, kiosk, { serviceId: 'query' });
    expectOk(await hall.api('POST', `${V1}/counters/7/pause`, { reason: '临时离开' }, staff));
    clock.advance(9);
    await tick(hall);
    expect(await requests(hall)).toEqual([]);
    clock.advance(1); // backupAfterPausedMinutes: 10
    await tick(hall);
    await tick(hall); // once per pause
    expect(await requests(hall)).toEqual([
      { counterId: '7', reason: 'paused', backupStaff: ['wang'], waiting: 1, at: clock.now },
    ]);
    // The backup takes over by signing in there.
    const wang = await newStaffAt(hall, '7', 'wang');
    const counter = (await hall.api('POST', `${V1}/counters/7/resume`, {}, wang)).body.counter;
    expect(counter).toMatchObject({ status: 'open', staffName: '员工7' });
  });

  it('asks at once when the staff signs out with people waiting, and not without them or a backup', async () => {
    const { hall, kiosk, staff } = await hallWithBackup();
    const payment = await newStaffAt(hall, '8', 'zhao'); // counter 8 names no backup
    await issue(hall, kiosk, { serviceId: 'payment' });
    expectOk(await hall.api('POST', `${V1}/counters/8/sign-out`, {}, payment)); // no backup named: nobody asked
    expectOk(await hall.api('POST', `${V1}/counters/7/sign-out`, {}, staff)); // nobody waits for queries
    await issue(hall, kiosk, { serviceId: 'query' });
    const again = await newStaffAt(hall, '7', 'li2');
    expectOk(await hall.api('POST', `${V1}/counters/7/sign-out`, {}, again));
    const asked = await until('the takeover request', async () => {
      const r = await requests(hall);
      return r.length > 0 && r;
    });
    expect(asked).toMatchObject([{ counterId: '7', reason: 'signed-out', backupStaff: ['wang'], waiting: 1 }]);
  });

  it('a service taken over and finished by the backup is theirs: the pad names them, the rating goes to them', async () => {
    const { hall, kiosk, staff } = await hallWithBackup();
    const pad = (await hall.device('pad-7', 'pad', { counterId: '7' })).token;
    const t = await issue(hall, kiosk, { serviceId: 'query' });
    expectOk(await hall.api('POST', `${V1}/counters/7/call-next`, {}, staff));
    expectOk(await hall.api('POST', `${V1}/counters/7/start`, {}, staff));
    const wang = await newStaffAt(hall, '7', 'wang'); // the backup takes the counter over mid-service
    expectOk(await hall.api('POST', `${V1}/counters/7/finish`, {}, wang));
    expectOk(await hall.api('POST', `${V1}/evaluations`, { ticketId: t.id, score: 1 }, pad), 201);
    const wangId = (await hall.api('GET', `${V1}/auth/me`, undefined, wang)).body.id;
    const rated = (await auditAll(hall)).filter((e) => e.type === 'evaluation.recorded').at(-1);
    expect(rated.data.staffId).toBe(wangId);
    const today = (await hall.api('GET', `${V1}/stats/today`, undefined, hall.managerToken)).body;
    const row = today.perStaff.find((s: any) => s.staffId === wangId);
    expect(row).toMatchObject({ served: 1, ratings: expect.objectContaining({ count: 1 }) });
  });

  it('keeps the pause clock across a restart: it runs from the pause event, not from the start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-ab-'));
    try {
      const { clock, hall, kiosk, staff } = await hallWithBackup(dataDir);
      await issue(hall, kiosk, { serviceId: 'query' });
      expectOk(await hall.api('POST', `${V1}/counters/7/pause`, { reason: '临时离开' }, staff));
      clock.advance(6);
      await hall.stop();
      h = await startTestHall({ clock: clock.clock, hallFile: fileWithBackup(), dataDir });
      clock.advance(4); // ten minutes after the pause, four after the restart
      await tick(h);
      expect(await requests(h)).toEqual([
        { counterId: '7', reason: 'paused', backupStaff: ['wang'], waiting: 1, at: clock.now },
      ]);
      // Asked once per pause, also after another restart.
      await h.stop();
      h = await startTestHall({ clock: clock.clock, hallFile: fileWithBackup(), dataDir });
      clock.advance(30);
      await tick(h);
      expect(await requests(h)).toHaveLength(1);
    } finally {
      await h?.stop();
      h = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
