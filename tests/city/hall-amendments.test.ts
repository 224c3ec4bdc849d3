/**
 * The city's hall-file amendments at a site: applied through the write path as `hall.amended` (cause by:'city'),
 * read where the fields are used (case deadlines on the amended calendar, GET /hall's materials), kept across a
 * restart, shown to the manager; a bad one refused, audited, and changing nothing.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { DirectiveReceiver } from '../../server/features/city-link/directives.js';
import { hallStateJson } from '../helpers/canonical-state.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { callNext, expectOk, issue, manualClock, renewManagerToken, V1 } from '../api/support.js';

// Friday 27 November 2026, 16:00 in Shanghai.
const clock = manualClock('2026-11-27T16:00:00+08:00');
const base = loadHallFile();
const in2026 = (d: string) => d.startsWith('2026-');
/** The whole 2026 calendar as the file has it, plus Monday 30 November off: an amendment replaces a year. */
const calendar2026 = {
  kind: 'calendar' as const,
  year: 2026,
  holidays: [...base.calendar.holidays.filter(in2026), '2026-11-30'],
  workdays: base.calendar.workdays.filter(in2026),
};
const newMaterials = ['不动产登记申请书', '申请人身份证明', '城市新增：婚姻状况证明'];

let h: TestHall;
let dir: string;
let kiosk: string;
let staff: string;
let n = 0;
const receiver = () => new DirectiveReceiver(h.running.hall, h.running.hall.site.id, h.running.db);
const amend = (amendment: unknown, id = `d${++n}`) =>
  receiver().apply({ v: 1, id, at: clock.now, kind: 'hall.amend', amendment });
const audits = () =>
  (
    h.running.db.prepare("SELECT data FROM events WHERE type = 'city.directive' ORDER BY seq").pluck().all() as string[]
  ).map((d) => JSON.parse(d) as { directiveId: string; applied: boolean; amendment?: string; reason?: string });

async function acceptedCase(): Promise<{ dueOn: string }> {
  await issue(h, kiosk, { serviceId: 'one-window' });
  await callNext(h, '1', staff);
  expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff));
  const r = await h.api('POST', `${V1}/counters/1/finish`, { accepted: true }, staff);
  expectOk(r);
  return r.body.case;
}

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
  dir = h.dataDir;
  kiosk = (await h.device('kiosk-1', 'kiosk')).token;
  staff = await h.staffAt('1', 'gen');
});
afterAll(async () => {
  await h?.running.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hall-file amendments from the city', () => {
  it('counts case deadlines on the amended calendar', async () => {
    // Mon 30 Nov (1), Tue 1 Dec (2), Wed 2 Dec (3).
    expect((await acceptedCase()).dueOn).toBe('2026-12-02');
    amend(calendar2026);
    // 30 Nov is now off: Tue 1 (1), Wed 2 (2), Thu 3 (3).
    expect((await acceptedCase()).dueOn).toBe('2026-12-03');
    const row = h.running.db
      .prepare("SELECT actor, data FROM events WHERE type = 'hall.amended' ORDER BY seq DESC LIMIT 1")
      .get() as { actor: string; data: string };
    expect(row.actor).toBe('system:city');
    expect(JSON.parse(row.data)).toMatchObject({ amendment: { kind: 'calendar', year: 2026 }, cause: { by: 'city' } });
  });

  it("shows a service's amended materials in GET /hall and to the manager", async () => {
    amend({ kind: 'materials', serviceId: 'one-window', materials: newMaterials });
    const hall = (await h.api('GET', `${V1}/hall`)).body;
    expect(hall.services.find((s: { id: string }) => s.id === 'one-window').materials).toEqual(newMaterials);
    expect(hall.services.find((s: { id: string }) => s.id === 'mortgage').materials).toEqual(
      base.services.find((s) => s.id === 'mortgage')!.materials,
    );
    const seen = await h.api('GET', `${V1}/hall/amendments`, undefined, h.managerToken);
    expectOk(seen);
    expect(seen.body.materials).toEqual([
      expect.objectContaining({
        serviceId: 'one-window',
        materials: newMaterials,
        cause: { by: 'city', directiveId: 'd2' },
      }),
    ]);
    expect(seen.body.calendar).toEqual([expect.objectContaining({ year: 2026, holidays: calendar2026.holidays })]);
    expect((await h.api('GET', `${V1}/hall/amendments`)).status).toBe(401);
  });

  it('refuses a bad amendment, audits it, and changes nothing', () => {
    const before = hallStateJson(h.running.hall);
    amend({ kind: 'calendar', year: 2026, holidays: ['2027-01-01'], workdays: [] }, 'bad-year');
    amend({ kind: 'calendar', year: 2026, holidays: ['2026-12-05'], workdays: ['2026-12-05'] }, 'bad-both');
    amend({ kind: 'materials', serviceId: 'no-such-service', materials: ['x'] }, 'bad-service');
    amend({ kind: 'hours', weekly: {} }, 'bad-kind');
    amend({ kind: 'materials', serviceId: 'one-window', materials: newMaterials }, 'again');
    receiver().apply({ nonsense: true });
    expect(hallStateJson(h.running.hall)).toBe(before);
    const refused = audits().filter((a) => !a.applied);
    expect(refused.map((a) => a.directiveId)).toEqual([
      'bad-year',
      'bad-both',
      'bad-service',
      'bad-kind',
      'again',
      '?',
    ]);
    expect(refused[0].reason).toMatch(/not in 2026/);
    expect(refused[1].reason).toMatch(/2026-12-05 is listed both as a holiday and as a make-up working day/);
    expect(refused[2].reason).toMatch(/no-such-service/);
    expect(refused[4].reason).toMatch(/already/);
  });

  it('keeps the amendments across a restart (replayed from the log)', async () => {
    await h.running.stop();
    h = await startTestHall({ clock: clock.clock, dataDir: dir });
    await renewManagerToken(h);
    const hall = (await h.api('GET', `${V1}/hall`)).body;
    expect(hall.services.find((s: { id: string }) => s.id === 'one-window').materials).toEqual(newMaterials);
    expect(h.running.hall.hallFile.calendar.holidays).toContain('2026-11-30');
    // The rest of the file's calendar is still there, other years untouched.
    expect(h.running.hall.hallFile.calendar.holidays.filter((d) => !in2026(d))).toEqual(
      base.calendar.holidays.filter((d) => !in2026(d)),
    );
    kiosk = (await h.device('kiosk-2', 'kiosk')).token;
    staff = await h.staffAt('1', 'gen2');
    expect((await acceptedCase()).dueOn).toBe('2026-12-03');
  });
});
