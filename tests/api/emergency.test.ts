/** Emergency playbooks: activation, the issuing modes they set (paused, appointments-only), deactivation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import {
  auditAll,
  auditVerify,
  callNext,
  expectError,
  expectOk,
  issue,
  manualClock,
  MONDAY_10,
  V1,
  waitingCounts,
} from './support.js';

describe('emergency playbooks', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  let staff: string;
  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    staff = await h.staffAt('1');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const activate = (body: unknown, token = h.managerToken) => h.api('POST', `${V1}/emergency/activate`, body, token);
  const deactivate = (token = h.managerToken) => h.api('POST', `${V1}/emergency/deactivate`, {}, token);

  it("GET /emergency (no auth) lists the hall file's playbooks and nothing active", async () => {
    const r = await h.api('GET', `${V1}/emergency`);
    expect(r.status).toBe(200);
    expect(r.body.active).toBeNull();
    expect(r.body.playbooks.map((p: any) => p.id)).toEqual([
      'power-outage',
      'network-outage',
      'surge',
      'overcrowding',
      'fire',
      'fight',
      'illness',
      'petition',
    ]);
    expect(r.body.playbooks.find((p: any) => p.id === 'fire')).toMatchObject({
      name: '火灾疏散',
      actions: expect.arrayContaining([{ issuing: 'paused' }]),
    });
  });

  it('refuses unknown playbooks and bad bodies, and non-managers', async () => {
    expectError(await activate({ playbookId: 'flood' }), 404, 'UNKNOWN_PLAYBOOK');
    expectError(await activate({}), 400, 'VALIDATION_FAILED');
    expectError(await activate({ playbookId: 'fire', note: 'x'.repeat(301) }), 400, 'VALIDATION_FAILED');
    expectError(await activate({ playbookId: 'fire' }, staff), 403, 'FORBIDDEN');
    expectError(await activate({ playbookId: 'fire' }, kiosk), 403, 'FORBIDDEN');
    expectError(await deactivate(), 409, 'NO_EMERGENCY');
    expect((await h.api('GET', `${V1}/emergency`)).body.active).toBeNull();
  });

  it('fire pauses issuing: walk-ins and check-ins get 409 HALL_CLOSED; the hall board shows the banner', async () => {
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001 before the alarm
    const appt = await h.api(
      'POST',
      `${V1}/appointments`,
      {
        serviceId: 'one-window',
        slotStart: '2026-03-02T10:10:00+08:00',
        slotEnd: '2026-03-02T10:40:00+08:00',
        idNumber: makeIdNumber('19750101', 5),
      },
      h.managerToken,
    );
    expectOk(appt, 201);
    const r = await activate({ playbookId: 'fire', note: '3楼烟感报警' });
    expect(r.status).toBe(200);
    expect(r.body.active).toEqual({
      playbookId: 'fire',
      name: '火灾疏散',
      banner: '请按疏散指示有序撤离，已取号码当日有效',
      issuing: 'paused',
      activatedAt: new Date(clock.now).toISOString(),
      note: '3楼烟感报警',
    });
    expectError(await activate({ playbookId: 'fire' }), 409, 'ALREADY_ACTIVE');

    const before = await waitingCounts(h);
    const walkIn = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
    expectError(walkIn, 409, 'HALL_CLOSED');
    expect(walkIn.body.error.playbookId).toBe('fire');
    expectError(
      await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window', priority: 'green' }, staff),
      409,
      'HALL_CLOSED',
    );
    expectError(
      await h.api('POST', `${V1}/appointments/check-in`, { code: appt.body.appointment.code }, kiosk),
      409,
      'HALL_CLOSED',
    );
    expect(await waitingCounts(h)).toEqual(before);

    const hall = await h.api('GET', `${V1}/hall`);
    expect(hall.body.emergency).toMatchObject({
      playbookId: 'fire',
      banner: '请按疏散指示有序撤离，已取号码当日有效',
      issuing: 'paused',
    });
    expect(hall.body.issuing).toEqual({ open: false, withinHours: true, mode: 'paused', nextOpenAt: null });
    // Numbers already taken stay valid; the holder's page shows the banner; counters keep calling.
    const called = await callNext(h, '1', staff);
    expect(called.number).toBe('A001');
    const page = await h.api('GET', `${V1}/tickets/${called.id}`);
    expect(page.body.hall.emergency).toBe('请按疏散指示有序撤离，已取号码当日有效');
    expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff));
    expectOk(await h.api('POST', `${V1}/counters/1/finish`, {}, staff));
  });

  it('deactivation restores issuing, and the refused attempts used no numbers', async () => {
    const r = await deactivate();
    expect(r.status).toBe(200);
    expect(r.body.active).toBeNull();
    expect((await h.api('GET', `${V1}/hall`)).body.issuing).toMatchObject({ open: true, mode: 'normal' });
    expect((await issue(h, kiosk, { serviceId: 'one-window' })).number).toBe('A002');
    expectError(await deactivate(), 409, 'NO_EMERGENCY');
  });

  it('overcrowding allows appointments only: walk-ins at the kiosk are refused, check-ins accepted', async () => {
    const id = makeIdNumber('19750101', 6);
    const appt = await h.api(
      'POST',
      `${V1}/appointments`,
      {
        serviceId: 'mortgage',
        slotStart: '2026-03-02T10:15:00+08:00',
        slotEnd: '2026-03-02T10:45:00+08:00',
        idNumber: id,
      },
      h.managerToken,
    );
    expectOk(appt, 201);
    const r = await activate({ playbookId: 'overcrowding' });
    expect(r.body.active).toMatchObject({
      playbookId: 'overcrowding',
      issuing: 'appointments-only',
      banner: '大厅人数已达上限，请预约其他时段办理',
    });
    expect((await h.api('GET', `${V1}/hall`)).body.issuing).toMatchObject({ open: true, mode: 'appointments-only' });

    const walkIn = await h.api('POST', `${V1}/tickets`, { serviceId: 'mortgage' }, kiosk);
    expectError(walkIn, 409, 'HALL_CLOSED');
    expect(walkIn.body.error).toMatchObject({ playbookId: 'overcrowding', appointmentsOnly: true });
    const checkIn = await h.api('POST', `${V1}/appointments/check-in`, { idNumber: id }, kiosk);
    expect(checkIn.status).toBe(201);
    expect(checkIn.body.ticket).toMatchObject({ number: 'B001', priority: 'appointment' });
    // Staff at the counter may still issue (e.g. a green-lane case).
    expect((await issue(h, staff, { serviceId: 'mortgage', priority: 'green' })).number).toBe('B002');
  });

  it('switching playbooks replaces the active one; every change is audited with its note', async () => {
    const r = await activate({ playbookId: 'power-outage', note: 'UPS 供电' });
    expect(r.body.active).toMatchObject({ playbookId: 'power-outage', issuing: 'normal', note: 'UPS 供电' });
    expect((await issue(h, kiosk, { serviceId: 'mortgage' })).number).toBe('B003');
    expectOk(await deactivate());
    const changes = (await auditAll(h)).filter((e) => e.type === 'emergency.changed');
    expect(changes.map((e) => [e.data.active?.playbookId ?? null, e.data.previous ?? null])).toEqual([
      ['fire', null],
      [null, 'fire'],
      ['overcrowding', null],
      ['power-outage', 'overcrowding'],
      [null, 'power-outage'],
    ]);
    expect(changes[0].data.active.note).toBe('3楼烟感报警');
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });

  it("shows an active playbook and whom it says to notify among the manager's alerts", async () => {
    expectOk(await activate({ playbookId: 'fight' }));
    const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    expect(alerts).toContainEqual(
      expect.objectContaining({
        kind: 'emergency.active',
        severity: 'critical',
        message: expect.stringContaining('notify: manager, security'),
      }),
    );
    expectOk(await deactivate());
    const after = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    expect(after.some((a: any) => a.kind === 'emergency.active')).toBe(false);
  });
});

describe('playbook actions on the hall', () => {
  it('a playbook with openStandbyCounters opens the standby counters', async () => {
    const { loadHallFile } = await import('../../server/config/load-hall.js');
    const file = loadHallFile();
    file.counters = file.counters.map((c) => (c.id === '11' ? { ...c, standby: true } : c));
    const h = await startTestHall({ hallFile: file });
    try {
      expect((await h.api('GET', `${V1}/hall`)).body.counters.find((c: any) => c.id === '11').status).toBe('closed');
      expect((await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'surge' }, h.managerToken)).status).toBe(
        200,
      );
      await new Promise((r) => setTimeout(r, 50));
      expect((await h.api('GET', `${V1}/hall`)).body.counters.find((c: any) => c.id === '11').status).toBe('open');
    } finally {
      await h.stop();
    }
  });
});
