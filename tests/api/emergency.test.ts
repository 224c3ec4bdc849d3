/** Emergency playbooks (contract v2): several active at once, the issuing modes they set, ending each on its own. */
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
  /** Without a playbookId: the v1 body, accepted while exactly one playbook is active. */
  const deactivate = (token = h.managerToken, body: object = {}) =>
    h.api('POST', `${V1}/emergency/deactivate`, body, token);

  it("GET /emergency (no auth) lists the hall file's playbooks and nothing active", async () => {
    const r = await h.api('GET', `${V1}/emergency`);
    expect(r.status).toBe(200);
    expect(r.body.active).toEqual([]);
    expect(r.body.effective).toEqual({ issuing: 'normal', banners: [], frozen: false });
    expect(r.body.proposals).toEqual([]);
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
      severity: 'life-safety',
      mustAcknowledge: true,
      actions: expect.arrayContaining([{ issuing: 'paused' }]),
    });
  });

  it('refuses unknown playbooks and bad bodies, and non-managers', async () => {
    expectError(await activate({ playbookId: 'flood' }), 404, 'UNKNOWN_PLAYBOOK');
    expectError(await activate({}), 400, 'VALIDATION_FAILED');
    expectError(await activate({ playbookId: 'fire', note: 'x'.repeat(301) }), 400, 'VALIDATION_FAILED');
    expectError(await activate({ playbookId: 'fire' }, staff), 403, 'FORBIDDEN');
    expectError(await activate({ playbookId: 'fire' }, kiosk), 403, 'FORBIDDEN');
    expectError(await activate({ playbookId: 'fire', drill: 'yes' }), 400, 'VALIDATION_FAILED');
    expectError(await deactivate(), 409, 'NO_EMERGENCY');
    expectError(await deactivate(h.managerToken, { playbookId: 'fire' }), 409, 'NO_EMERGENCY');
    // An id the hall does not know is 404, as for activate: whether or not anything is active.
    expectError(await deactivate(h.managerToken, { playbookId: 'flood' }), 404, 'UNKNOWN_PLAYBOOK');
    expectError(
      await h.api('POST', `${V1}/emergency/acknowledge`, { playbookId: 'flood' }, staff),
      404,
      'UNKNOWN_PLAYBOOK',
    );
    expect((await h.api('GET', `${V1}/emergency`)).body.active).toEqual([]);
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
    expect(r.body.active).toEqual([
      {
        playbookId: 'fire',
        name: '火灾疏散',
        drill: false,
        startedAt: new Date(clock.now).toISOString(),
        cause: { by: 'manager', userId: expect.any(String) },
        note: '3楼烟感报警',
        severity: 'life-safety',
        issuing: 'paused',
        banner: '请按疏散指示有序撤离，已取号码当日有效',
        freezeQueue: true,
        mustAcknowledge: true,
        acknowledgements: [],
      },
    ]);
    expect(r.body.effective).toEqual({
      issuing: 'paused',
      banners: [
        { playbookId: 'fire', text: '请按疏散指示有序撤离，已取号码当日有效', severity: 'life-safety', drill: false },
      ],
      frozen: true,
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
    // The queue is frozen: no calls, no no-shows, every ticket keeps its place; the phone page says so.
    const a001 = (await h.api('GET', `${V1}/tickets?status=waiting`, undefined, h.managerToken)).body;
    const frozen = await h.api('POST', `${V1}/counters/1/call-next`, {}, staff);
    expectError(frozen, 409, 'QUEUE_FROZEN');
    expect(frozen.body.error.playbookId).toBe('fire');
    expect(await waitingCounts(h)).toEqual(before);
    const waitingId = a001.tickets?.[0]?.id;
    if (waitingId) {
      const page = await h.api('GET', `${V1}/tickets/${waitingId}`);
      expect(page.body.hall).toMatchObject({ frozen: true, emergency: '请按疏散指示有序撤离，已取号码当日有效' });
      expect(page.body.ticket.status).toBe('waiting');
    }
    // The public sees no note and no staff ids.
    const pub = (await h.api('GET', `${V1}/emergency`)).body;
    expect(pub.active[0]).toMatchObject({ playbookId: 'fire', cause: { by: 'manager' } });
    expect(pub.active[0].note).toBeUndefined();
    expect(pub.active[0].cause.userId).toBeUndefined();
  });

  it('deactivation restores issuing, and the refused attempts used no numbers', async () => {
    const r = await deactivate();
    expect(r.status).toBe(200);
    expect(r.body.active).toEqual([]);
    // After the all-clear the ticket taken before the alarm is still first in line.
    expect((await callNext(h, '1', staff)).number).toBe('A001');
    expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff));
    expectOk(await h.api('POST', `${V1}/counters/1/finish`, {}, staff));
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
    expect(r.body.active[0]).toMatchObject({
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
    expectOk(await deactivate());
  });

  it('several at once: illness during a fire keeps the fire; ending one leaves the other exactly as it was', async () => {
    expectOk(await activate({ playbookId: 'fire', note: '3楼烟感报警' }));
    const fireOnly = (await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body;
    clock.advance(1);
    const r = await activate({ playbookId: 'illness' });
    expect(r.body.active.map((p: any) => p.playbookId)).toEqual(['fire', 'illness']);
    expect(r.body.effective.issuing).toBe('paused');
    expect(r.body.effective.banners.map((b: any) => [b.playbookId, b.severity])).toEqual([
      ['fire', 'life-safety'],
      ['illness', 'high'],
    ]);
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'mortgage' }, kiosk), 409, 'HALL_CLOSED');
    // The v1 body is ambiguous now.
    expectError(await deactivate(), 409, 'PLAYBOOK_REQUIRED');
    expectError(await deactivate(h.managerToken, { playbookId: 'surge' }), 409, 'NOT_ACTIVE');
    expectError(await deactivate(h.managerToken, { playbookId: 'flood' }), 404, 'UNKNOWN_PLAYBOOK');
    const after = await deactivate(h.managerToken, { playbookId: 'illness' });
    expectOk(after);
    expect(after.body.active).toEqual(fireOnly.active);
    expect(after.body.effective).toEqual(fireOnly.effective);
    expectOk(await deactivate(h.managerToken, { playbookId: 'fire' }));
    expect((await issue(h, kiosk, { serviceId: 'mortgage' })).number).toBe('B003');
  });

  it('audits every activation and deactivation with its cause and note; a drill says so', async () => {
    expectOk(await activate({ playbookId: 'power-outage', note: 'UPS 供电', drill: true }));
    const g = (await h.api('GET', `${V1}/emergency`)).body;
    expect(g.active[0]).toMatchObject({ playbookId: 'power-outage', drill: true });
    expect(g.effective.banners[0].text).toMatch(/^【演练】大厅电力故障/);
    expect((await h.api('GET', `${V1}/hall`)).body.emergency.name).toBe('【演练】停电');
    expectOk(await deactivate());
    const entries = (await auditAll(h)).filter((e) => e.type.startsWith('playbook.'));
    const summary = entries
      .filter((e) => e.type !== 'playbook.action')
      .map((e) => [e.type, e.data.playbook?.playbookId ?? e.data.playbookId]);
    expect(summary).toEqual([
      ['playbook.activated', 'fire'],
      ['playbook.deactivated', 'fire'],
      ['playbook.activated', 'overcrowding'],
      ['playbook.deactivated', 'overcrowding'],
      ['playbook.activated', 'fire'],
      ['playbook.activated', 'illness'],
      ['playbook.deactivated', 'illness'],
      ['playbook.deactivated', 'fire'],
      ['playbook.activated', 'power-outage'],
      ['playbook.deactivated', 'power-outage'],
    ]);
    expect(entries[0].data.playbook).toMatchObject({ note: '3楼烟感报警', cause: { by: 'manager' } });
    const drillStart = entries.filter((e) => e.type === 'playbook.activated').at(-1);
    expect(drillStart.data.playbook).toMatchObject({ playbookId: 'power-outage', drill: true, note: 'UPS 供电' });
    expect(entries.at(-1).data).toMatchObject({ action: 'drill-report', drill: true });
    const ended = entries.filter((e) => e.type === 'playbook.deactivated').at(-1);
    expect(ended.data).toMatchObject({ playbookId: 'power-outage', drill: true, reason: 'manager' });
    // The drill report: started, by whom, acknowledgements, LED boards, ended.
    const drills = (await h.api('GET', `${V1}/emergency/drills`, undefined, h.managerToken)).body.drills;
    expect(drills[0]).toMatchObject({
      playbookId: 'power-outage',
      startedBy: expect.stringMatching(/^user:/),
      acknowledgements: [],
      ledBoards: { total: 0, confirmed: 0, allConfirmedMs: null },
      endedAt: expect.any(String),
    });
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });

  it('staff acknowledge a playbook once; the acknowledgement is listed for staff', async () => {
    expectOk(await activate({ playbookId: 'fire' }));
    const ack = await h.api('POST', `${V1}/emergency/acknowledge`, { playbookId: 'fire' }, staff);
    expectOk(ack);
    expect(ack.body.playbook.acknowledgements).toEqual([
      { by: expect.stringMatching(/^user:/), at: expect.any(String) },
    ]);
    expectError(
      await h.api('POST', `${V1}/emergency/acknowledge`, { playbookId: 'fire' }, staff),
      409,
      'ALREADY_ACKNOWLEDGED',
    );
    expectError(await h.api('POST', `${V1}/emergency/acknowledge`, { playbookId: 'surge' }, staff), 409, 'NOT_ACTIVE');
    expectError(await h.api('POST', `${V1}/emergency/acknowledge`, { playbookId: 'fire' }, kiosk), 403, 'FORBIDDEN');
    expectOk(await deactivate());
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

  it('its end closes only the standby counters a playbook opened, not one opened by hand', async () => {
    const { loadHallFile } = await import('../../server/config/load-hall.js');
    const file = loadHallFile();
    file.counters = file.counters.map((c) => (['11', '12'].includes(c.id) ? { ...c, standby: true } : c));
    const h = await startTestHall({ hallFile: file });
    const status = async (id: string) =>
      (await h.api('GET', `${V1}/hall`)).body.counters.find((c: any) => c.id === id).status;
    try {
      expectOk(await h.api('POST', `${V1}/counters/12/open`, {}, h.managerToken)); // opened by hand, before
      expectOk(await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'surge' }, h.managerToken));
      await new Promise((r) => setTimeout(r, 50));
      expect([await status('11'), await status('12')]).toEqual(['open', 'open']);
      expectOk(await h.api('POST', `${V1}/emergency/deactivate`, { playbookId: 'surge' }, h.managerToken));
      await new Promise((r) => setTimeout(r, 50));
      expect([await status('11'), await status('12')]).toEqual(['closed', 'open']);
      const left = (await auditAll(h, 'type=playbook.action')).filter(
        (e: any) => e.data.action === 'standby-counter-left-open',
      );
      expect(left.map((e: any) => e.data.detail)).toEqual([{ counterId: '12', why: 'not opened by a playbook' }]);
    } finally {
      await h.stop();
    }
  });
});

describe('the active set across a restart', () => {
  it('keeps every active playbook, drill flag, cause, note and acknowledgement', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-playbooks-'));
    try {
      let h = await startTestHall({ dataDir });
      expectOk(
        await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'fire', note: '演练前检查' }, h.managerToken),
      );
      expectOk(await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'illness', drill: true }, h.managerToken));
      expectOk(await h.api('POST', `${V1}/emergency/acknowledge`, { playbookId: 'fire' }, h.managerToken));
      const before = (await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body;
      await h.stop();
      h = await startTestHall({ dataDir });
      try {
        const after = (await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body;
        expect(after.active).toEqual(before.active);
        expect(after.effective).toEqual(before.effective);
        expect(after.active.map((p: any) => p.playbookId)).toEqual(['fire', 'illness']);
        expect((await h.api('GET', `${V1}/hall`)).body.issuing.mode).toBe('paused');
      } finally {
        await h.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('registration system down: accepted, pending system (待系统恢复补录)', () => {
  it('a counter finishes as pending; the manager lists it with the outage, then marks it caught up', async () => {
    const h = await startTestHall();
    try {
      const staff = await h.staffAt('1');
      const kiosk = (await h.device('kiosk-c', 'kiosk')).token;
      const t = await issue(h, kiosk, { serviceId: 'one-window' });
      const since = Date.now() - 7 * 60_000;
      h.running.hall.bus.emit('integration.health', { system: 'registration', ok: false, since });
      expect((await callNext(h, '1', staff)).id).toBe(t.id);
      expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff));
      const done = await h.api('POST', `${V1}/counters/1/finish-pending-system`, {}, staff);
      expectOk(done);
      expect(done.body).toEqual({ ticketId: t.id, pendingSystem: true });
      expect((await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket.status).toBe('done');
      expectError(await h.api('POST', `${V1}/counters/1/finish-pending-system`, {}, staff), 409, 'NO_CURRENT_TICKET');
      const list = (await h.api('GET', `${V1}/catch-up`, undefined, h.managerToken)).body;
      expect(list.pending).toEqual([
        { ticketId: t.id, number: t.number, serviceId: 'one-window', counterId: '1', at: expect.any(String) },
      ]);
      expect(list.outages).toEqual([{ system: 'registration', since: new Date(since).toISOString(), minutes: 7 }]);
      expectError(await h.api('GET', `${V1}/catch-up`, undefined, staff), 403, 'FORBIDDEN');
      // The alerts say how long the system has been down, and that one ticket waits to be recorded…
      const alertsNow = async () =>
        ((await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts as any[]).filter((a) =>
          ['integration.down', 'catch-up.pending'].includes(a.kind),
        );
      expect(await alertsNow()).toEqual([
        expect.objectContaining({
          kind: 'integration.down',
          severity: 'critical',
          message: expect.stringMatching(/7 min/),
        }),
        expect.objectContaining({ kind: 'catch-up.pending', severity: 'warning' }),
      ]);
      // …and once it answers again, that it is time to record it.
      h.running.hall.bus.emit('integration.health', { system: 'registration', ok: true, since: Date.now() });
      expect(await alertsNow()).toEqual([
        expect.objectContaining({
          kind: 'catch-up.pending',
          severity: 'critical',
          message: expect.stringMatching(/record the 1 /),
        }),
      ]);
      expectOk(await h.api('POST', `${V1}/catch-up/${t.id}/done`, {}, staff));
      expect(await alertsNow()).toEqual([]);
      expectError(await h.api('POST', `${V1}/catch-up/${t.id}/done`, {}, staff), 409, 'NOT_PENDING');
      expect((await h.api('GET', `${V1}/catch-up`, undefined, h.managerToken)).body.pending).toEqual([]);
      const audit = (await auditAll(h)).map((e) => e.type);
      expect(audit).toEqual(expect.arrayContaining(['ticket.pending_system', 'ticket.caught_up']));
    } finally {
      await h.stop();
    }
  });
});
