/** Counter actions and the published queue rule, seen through the API. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import {
  auditAll,
  callNext,
  expectError,
  expectNoneOf,
  expectOk,
  issue,
  manualClock,
  MONDAY_10,
  V1,
} from './support.js';

const post = (h: TestHall, counterId: string, action: string, token: string, body: unknown = {}) =>
  h.api('POST', `${V1}/counters/${counterId}/${action}`, body, token);

describe('counter actions', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  let staff: string;
  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    staff = await h.staffAt('7', 'qiu');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('sign-in opens the counter', async () => {
    const hall = await h.api('GET', `${V1}/hall`, undefined, kiosk);
    expect(hall.body.counters.find((c: any) => c.id === '7')).toMatchObject({
      status: 'open',
      current: null,
      staffName: '员工7',
    });
    expect(hall.body.counters.find((c: any) => c.id === '8')).toMatchObject({ status: 'closed', current: null });
    // The public board (no token) shows no staff names.
    const open = await h.api('GET', `${V1}/hall`);
    expect(open.body.counters.find((c: any) => c.id === '7')).toMatchObject({ status: 'open', staffName: null });
  });

  it('call-next on an empty queue is 404 QUEUE_EMPTY', async () => {
    expectError(await post(h, '7', 'call-next', staff), 404, 'QUEUE_EMPTY');
  });

  it('calls, recalls (up to the hall limit of 2), starts and finishes a ticket', async () => {
    const t = await issue(h, kiosk, { serviceId: 'query' });
    const next = await issue(h, kiosk, { serviceId: 'query' });
    clock.advance(1);
    const called = await post(h, '7', 'call-next', staff);
    expect(called.status).toBe(200);
    expect(called.body.ticket).toMatchObject({
      id: t.id,
      number: 'D001',
      status: 'called',
      counterId: '7',
      counterName: '7号窗口',
      position: null,
      recalls: 0,
    });
    expect(called.body.ticket.calledAt).toBe(new Date(clock.now).toISOString());
    expect(called.body.counter).toMatchObject({ id: '7', status: 'open', current: 'D001', currentStatus: 'called' });
    // The action answers with the counter exactly as staff see it in the hall's list.
    const listed = (await h.api('GET', `${V1}/counters`, undefined, staff)).body.counters;
    expect(called.body.counter).toEqual(listed.find((c: any) => c.id === '7'));
    const pub = (await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket;
    expect(pub).toMatchObject({ status: 'called', counterId: '7', counterName: '7号窗口' });
    expect((await h.api('GET', `${V1}/tickets/${next.id}`)).body.ticket.position).toBe(1);

    expect((await post(h, '7', 'recall', staff)).body.ticket).toMatchObject({ id: t.id, recalls: 1 });
    expect((await post(h, '7', 'recall', staff)).body.ticket).toMatchObject({ id: t.id, recalls: 2 });
    expectError(await post(h, '7', 'recall', staff), 409, 'RECALL_LIMIT');
    const board = await h.api('GET', `${V1}/hall`);
    expect(board.body.recentCalls.slice(0, 3).map((c: any) => [c.number, c.counterId, c.recall])).toEqual([
      ['D001', '7', true],
      ['D001', '7', true],
      ['D001', '7', false],
    ]);

    // Another call while this one is called and not started: the visitor would be dropped silently.
    expectError(await post(h, '7', 'call-next', staff), 409, 'TICKET_IN_PROGRESS');
    expectError(await post(h, '7', 'pause', staff, { reason: '休息' }), 409, 'TICKET_IN_PROGRESS');
    expectError(await post(h, '7', 'sign-out', staff), 409, 'TICKET_IN_PROGRESS');
    expectError(await post(h, '7', 'close', staff), 409, 'TICKET_IN_PROGRESS');

    const started = await post(h, '7', 'start', staff);
    expect(started.body.ticket).toMatchObject({ id: t.id, status: 'serving' });
    expectError(await post(h, '7', 'start', staff), 409, 'TICKET_NOT_CALLED');
    expectError(await post(h, '7', 'recall', staff), 409, 'TICKET_NOT_CALLED');
    expectError(await post(h, '7', 'no-show', staff), 409, 'TICKET_NOT_CALLED');
    clock.advance(4);
    const finished = await post(h, '7', 'finish', staff);
    expect(finished.body.ticket).toMatchObject({ id: t.id, status: 'done', rated: false });
    expect(finished.body.counter).toMatchObject({ current: null });
    expectError(await post(h, '7', 'finish', staff), 409, 'NO_CURRENT_TICKET');
    expectError(await post(h, '7', 'recall', staff), 409, 'NO_CURRENT_TICKET');
    expectError(await post(h, '7', 'start', staff), 409, 'NO_CURRENT_TICKET');
    expectError(await post(h, '7', 'no-show', staff), 409, 'NO_CURRENT_TICKET');
    expectError(await post(h, '7', 'transfer', staff, { serviceId: 'payment' }), 409, 'NO_CURRENT_TICKET');
  });

  it('call-next while serving finishes the current ticket and calls the next one', async () => {
    const second = await issue(h, kiosk, { serviceId: 'query' });
    const a = await callNext(h, '7', staff); // D002
    expectOk(await post(h, '7', 'start', staff));
    const b = await callNext(h, '7', staff);
    expect([a.number, b.number, b.id]).toEqual(['D002', 'D003', second.id]);
    expect((await h.api('GET', `${V1}/tickets/${a.id}`)).body.ticket.status).toBe('done');
    expectOk(await post(h, '7', 'start', staff));
    // Serving and nobody waiting: refused, and the ticket being served is left as it is (a refusal changes nothing).
    expectError(await post(h, '7', 'call-next', staff), 404, 'QUEUE_EMPTY');
    expect((await h.api('GET', `${V1}/tickets/${second.id}`)).body.ticket.status).toBe('serving');
    expectOk(await post(h, '7', 'finish', staff));
    expectError(await post(h, '7', 'call-next', staff), 404, 'QUEUE_EMPTY');
  });

  it('shows the manager the tickets a counter finished within 20 s of their call (a way to skip people)', async () => {
    // D001 above was served for four minutes; D002 and D003 were done within seconds of their call.
    const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;
    expect(alerts.filter((a: any) => a.kind === 'counter.quick_finishes')).toEqual([
      expect.objectContaining({ severity: 'warning', counterId: '7', numbers: ['D002', 'D003'] }),
    ]);
  });

  it('marks a no-show a minute after the call, not before (the holder’s time to come)', async () => {
    const t = await issue(h, kiosk, { serviceId: 'query' });
    await callNext(h, '7', staff);
    const early = await post(h, '7', 'no-show', staff);
    expectError(early, 409, 'TOO_EARLY_FOR_NO_SHOW');
    expect(early.body.error.noShowFrom).toBe(new Date(clock.now + 60_000).toISOString());
    expect((await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket.status).toBe('called');
    clock.advance(1);
    const r = await post(h, '7', 'no-show', staff);
    expect(r.body.ticket).toMatchObject({ id: t.id, status: 'no_show' });
    expect(r.body.counter.current).toBeNull();
  });

  it('pauses with a reason, refuses calls while paused, resumes; closes and opens', async () => {
    await issue(h, kiosk, { serviceId: 'query' });
    expectError(await post(h, '7', 'pause', staff), 400, 'REASON_REQUIRED');
    expectError(await post(h, '7', 'pause', staff, { reason: '  ' }), 400, 'REASON_REQUIRED');
    expectError(await post(h, '7', 'pause', staff, { reason: 'x'.repeat(61) }), 400, 'VALIDATION_FAILED');
    const p = await post(h, '7', 'pause', staff, { reason: '暂停服务 稍候' });
    expect(p.body.counter).toMatchObject({ status: 'paused', pauseReason: '暂停服务 稍候' });
    expect((await h.api('GET', `${V1}/hall`)).body.counters.find((c: any) => c.id === '7')).toMatchObject({
      status: 'paused',
      pauseReason: '暂停服务 稍候',
    });
    expectError(await post(h, '7', 'call-next', staff), 409, 'COUNTER_PAUSED');
    expectError(await post(h, '7', 'open', staff), 409, 'COUNTER_ALREADY_OPEN');
    expect((await post(h, '7', 'resume', staff)).body.counter).toMatchObject({ status: 'open', pauseReason: null });
    expectError(await post(h, '7', 'resume', staff), 409, 'COUNTER_NOT_PAUSED');

    // D005 waits and only counter 7 serves queries: staff cannot close on it (v2), a manager may force it.
    expectError(await post(h, '7', 'close', staff), 409, 'QUEUE_NOT_EMPTY');
    expect((await post(h, '7', 'close', h.managerToken, { force: true })).body.counter.status).toBe('closed');
    expectError(await post(h, '7', 'call-next', staff), 409, 'COUNTER_CLOSED');
    expectError(await post(h, '7', 'close', staff), 409, 'COUNTER_CLOSED');
    expectError(await post(h, '7', 'pause', staff, { reason: '休息' }), 409, 'COUNTER_CLOSED');
    expect((await post(h, '7', 'open', staff)).body.counter.status).toBe('open');
    expect((await callNext(h, '7', staff)).number).toBe('D005');
    expectOk(await post(h, '7', 'start', staff));
    expectOk(await post(h, '7', 'finish', staff));
  });

  it('a manager opens and closes any counter; sign-out closes it', async () => {
    expect((await post(h, '8', 'open', h.managerToken)).body.counter.status).toBe('open');
    expect((await post(h, '8', 'close', h.managerToken)).body.counter.status).toBe('closed');
    expect((await post(h, '7', 'sign-out', staff)).body.counter).toMatchObject({ status: 'closed', staffName: null });
    expectError(await post(h, '7', 'call-next', staff), 403, 'NOT_SIGNED_IN');
    expectOk(await post(h, '7', 'sign-in', staff));
  });

  it('GET /counters/:id/queue lists the waiting tickets by group in serving order', async () => {
    const s6 = await h.staffAt('6');
    await issue(h, kiosk, { serviceId: 'mortgage' });
    await issue(h, kiosk, { serviceId: 'one-window' });
    await issue(h, kiosk, { serviceId: 'enterprise' });
    const q = await h.api('GET', `${V1}/counters/6/queue`, undefined, s6);
    expect(q.status).toBe(200);
    expect(q.body.current).toBeNull();
    expect(q.body.groups.map((g: any) => [g.services, g.waiting.map((t: any) => t.number)])).toEqual([
      [['enterprise'], ['C001']],
      [
        ['one-window', 'mortgage'],
        ['B001', 'A001'],
      ],
    ]);
  });
});

describe('the queue rule', () => {
  let clock: ReturnType<typeof manualClock>;
  let h: TestHall;
  let kiosk: string;
  beforeEach(async () => {
    clock = manualClock(MONDAY_10);
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
  });
  afterEach(async () => {
    await h?.stop();
  });

  it('shows the manager the green-lane tickets each clerk gave today (each ahead of everyone)', async () => {
    const s3 = await h.staffAt('3', 'green-giver');
    const mine = await issue(h, s3, { serviceId: 'one-window', priority: 'green' });
    await issue(h, h.managerToken, { serviceId: 'one-window', priority: 'green' }); // not listed
    const alerts = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts.filter(
      (a: any) => a.kind === 'tickets.green_lane',
    );
    expect(alerts).toEqual([
      expect.objectContaining({ severity: 'warning', staffName: '员工3', numbers: [mine.number] }),
    ]);
    // Called, it is shown as a green-lane call: everyone waiting sees why it went first.
    await issue(h, kiosk, { serviceId: 'one-window' });
    expect((await callNext(h, '3', s3)).id).toBe(mine.id);
    const calls = (await h.api('GET', `${V1}/hall`)).body.recentCalls;
    expect(calls[0]).toMatchObject({ number: mine.number, green: true, outOfTurn: null });
  });

  async function callOrder(counterId: string, token: string, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = await callNext(h, counterId, token);
      out.push(t.number);
      expectOk(await post(h, counterId, 'start', token));
      expectOk(await post(h, counterId, 'finish', token));
    }
    expectError(await post(h, counterId, 'call-next', token), 404, 'QUEUE_EMPTY');
    return out;
  }

  it('serves green first, then by queue time', async () => {
    const s1 = await h.staffAt('1');
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'one-window', priority: 'priority', priorityReason: 'disabled' }); // A002, credit 15 → ahead of A001
    clock.advance(1);
    await issue(h, s1, { serviceId: 'one-window', priority: 'green' }); // A003
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'one-window' }); // A004
    expect(await callOrder('1', s1, 4)).toEqual(['A003', 'A002', 'A001', 'A004']);
  });

  it('gives a priority ticket 15 minutes of credit: 10 min later goes first, 20 min later does not, 15 ties by issue order', async () => {
    const s1 = await h.staffAt('1');
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001 at 10:00
    clock.advance(10);
    await issue(h, kiosk, { serviceId: 'one-window', priority: 'priority', priorityReason: 'pregnant' }); // A002 at 10:10 → 09:55
    expect(await callOrder('1', s1, 2)).toEqual(['A002', 'A001']);

    await issue(h, kiosk, { serviceId: 'one-window' }); // A003 at 10:10
    clock.advance(20);
    await issue(h, kiosk, { serviceId: 'one-window', priority: 'priority', priorityReason: 'pregnant' }); // A004 at 10:30 → 10:15
    expect(await callOrder('1', s1, 2)).toEqual(['A003', 'A004']);

    await issue(h, kiosk, { serviceId: 'one-window' }); // A005 at 10:30
    clock.advance(15);
    await issue(h, kiosk, { serviceId: 'one-window', priority: 'priority', priorityReason: 'pregnant' }); // A006 at 10:45 → 10:30
    expect(await callOrder('1', s1, 2)).toEqual(['A005', 'A006']);
  });

  it('puts an ID holder of 70 or more ahead by the priority credit automatically', async () => {
    const s1 = await h.staffAt('1');
    const young = await issue(h, kiosk, { serviceId: 'one-window', idNumber: makeIdNumber('19900101', 1) });
    clock.advance(10);
    const old = await issue(h, kiosk, { serviceId: 'one-window', idNumber: makeIdNumber('19500101', 2) });
    expect([young.priority, old.priority, old.priorityReason]).toEqual(['normal', 'priority', 'elderly']);
    expect((await h.api('GET', `${V1}/tickets/${old.id}`)).body.ticket.position).toBe(1);
    expect(await callOrder('1', s1, 2)).toEqual(['A002', 'A001']);
  });

  it('counter 3 serves one-window before mortgage, counter 5 the other way round', async () => {
    const s3 = await h.staffAt('3');
    const s5 = await h.staffAt('5');
    await issue(h, kiosk, { serviceId: 'mortgage' }); // B001 10:00
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001 10:01
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'mortgage' }); // B002 10:02
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'one-window' }); // A002 10:03
    expect((await callNext(h, '3', s3)).number).toBe('A001');
    expect((await callNext(h, '5', s5)).number).toBe('B001');
    expectOk(await post(h, '3', 'start', s3));
    expectOk(await post(h, '5', 'start', s5));
    expect((await callNext(h, '3', s3)).number).toBe('A002');
    expect((await callNext(h, '5', s5)).number).toBe('B002');
    expectOk(await post(h, '3', 'start', s3));
    expectOk(await post(h, '3', 'finish', s3));
    expectOk(await post(h, '5', 'start', s5));
    expectOk(await post(h, '5', 'finish', s5));
    await issue(h, kiosk, { serviceId: 'mortgage' }); // B003: one-window is empty, so counter 3 takes mortgage
    expect((await callNext(h, '3', s3)).number).toBe('B003');
  });

  it('counter 6 serves enterprise first, then one-window and mortgage together by queue time', async () => {
    const s6 = await h.staffAt('6');
    await issue(h, kiosk, { serviceId: 'mortgage' }); // B001
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'one-window' }); // A001
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'mortgage' }); // B002
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'enterprise' }); // C001
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'one-window', priority: 'priority', priorityReason: 'elderly' }); // A002 at 10:04 → 09:49
    await issue(h, kiosk, { serviceId: 'query' }); // not served at 6
    expect(await callOrder('6', s6, 5)).toEqual(['C001', 'A002', 'B001', 'A001', 'B002']);
  });

  it('a transferred ticket keeps its original queue time in the new service', async () => {
    const s1 = await h.staffAt('1');
    const s4 = await h.staffAt('4');
    const a = await issue(h, kiosk, { serviceId: 'one-window' }); // A001 10:00
    clock.advance(5);
    const b1 = await issue(h, kiosk, { serviceId: 'mortgage' }); // B001 10:05
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'mortgage' }); // B002 10:06
    clock.advance(4);
    await callNext(h, '1', s1);
    expectOk(await post(h, '1', 'start', s1));
    expectError(await post(h, '1', 'transfer', s1, { serviceId: 'one-window' }), 409, 'SAME_SERVICE');
    expectError(await post(h, '1', 'transfer', s1, { serviceId: 'passport' }), 404, 'UNKNOWN_SERVICE');
    expectError(await post(h, '1', 'transfer', s1, {}), 400, 'VALIDATION_FAILED');
    const moved = await post(h, '1', 'transfer', s1, { serviceId: 'mortgage' });
    expect(moved.status).toBe(200);
    expect(moved.body.ticket).toMatchObject({
      id: a.id,
      number: 'A001',
      serviceId: 'mortgage',
      status: 'waiting',
      position: 1,
    });
    expect(moved.body.counter.current).toBeNull();
    expect((await h.api('GET', `${V1}/tickets/${b1.id}`)).body.ticket.position).toBe(2);
    clock.advance(1);
    await issue(h, kiosk, { serviceId: 'mortgage' }); // B003 later
    expect(await callOrder('4', s4, 4)).toEqual(['A001', 'B001', 'B002', 'B003']);
    const hall = await h.api('GET', `${V1}/hall`);
    expect(hall.body.services.find((s: any) => s.id === 'one-window').waiting).toBe(0);
  });

  it('places a reinstated no-show behind 3 waiting tickets of its service', async () => {
    const s7 = await h.staffAt('7');
    const tickets = [];
    for (let i = 0; i < 6; i++) {
      tickets.push(await issue(h, kiosk, { serviceId: 'query' })); // D001..D006
      clock.advance(1);
    }
    expect((await callNext(h, '7', s7)).number).toBe('D001');
    clock.advance(1); // the holder's minute to come
    expectOk(await post(h, '7', 'no-show', s7));
    clock.advance(5);
    const r = await h.api('POST', `${V1}/tickets/${tickets[0].id}/reinstate`, {}, kiosk);
    expect(r.status).toBe(200);
    expect(r.body.ticket).toMatchObject({ number: 'D001', status: 'waiting', position: 4 });
    const positions = await Promise.all(
      tickets.slice(1).map(async (t) => (await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket.position),
    );
    expect(positions).toEqual([1, 2, 3, 5, 6]);
    expect(await callOrder('7', s7, 6)).toEqual(['D002', 'D003', 'D004', 'D001', 'D005', 'D006']);
  });

  it('a kiosk that reinstates or cancels is answered as the holder’s own page: no staff note, no phone', async () => {
    const s7 = await h.staffAt('7');
    const note = { priority: 'priority', priorityReason: '孕妇 王小丽 已核验', phone: '13711111111' };
    const t = await issue(h, s7, { serviceId: 'query', ...note });
    await callNext(h, '7', s7);
    clock.advance(1);
    expectOk(await post(h, '7', 'no-show', s7));
    const back = await h.api('POST', `${V1}/tickets/${t.id}/reinstate`, {}, kiosk);
    expect(back.status).toBe(200);
    expect(back.body.ticket).toMatchObject({ number: t.number, status: 'waiting' });
    expect(JSON.stringify(back.body)).not.toMatch(/王小丽|1111/);
    // A manager still sees the note.
    expect((await h.api('POST', `${V1}/tickets/${t.id}/cancel`, {}, h.managerToken)).body.ticket.priorityReason).toBe(
      note.priorityReason,
    );
  });

  it('a reinstated no-show with fewer than 3 waiting goes to the back', async () => {
    const s7 = await h.staffAt('7');
    const d1 = await issue(h, kiosk, { serviceId: 'query' });
    await issue(h, kiosk, { serviceId: 'query' });
    await callNext(h, '7', s7);
    clock.advance(1); // the holder's minute to come
    expectOk(await post(h, '7', 'no-show', s7));
    expect((await h.api('POST', `${V1}/tickets/${d1.id}/reinstate`, {}, s7)).body.ticket.position).toBe(2);
    expect(await callOrder('7', s7, 2)).toEqual(['D002', 'D001']);
  });

  it('an out-of-order call needs a reason, shows only its category publicly, and audits the reason', async () => {
    const s1 = await h.staffAt('1');
    const REASON = '老人身体不适需优先 secret-reason-7781';
    const [a1, , a3] = [
      await issue(h, kiosk, { serviceId: 'one-window' }),
      await issue(h, kiosk, { serviceId: 'one-window' }),
      await issue(h, kiosk, { serviceId: 'one-window' }),
    ];
    const q = await issue(h, kiosk, { serviceId: 'query' });
    expectError(await post(h, '1', 'call', s1, { ticketId: a3.id }), 400, 'REASON_REQUIRED');
    expectError(await post(h, '1', 'call', s1, { ticketId: a3.id, reason: '   ' }), 400, 'REASON_REQUIRED');
    expectError(
      await post(h, '1', 'call', s1, { ticketId: a3.id, reason: 'ok', category: 'vip' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await post(h, '1', 'call', s1, { ticketId: a3.id, reason: 'x'.repeat(201) }), 400, 'VALIDATION_FAILED');
    expectError(await post(h, '1', 'call', s1, { ticketId: 't_unknown000000', reason: 'ok' }), 404, 'UNKNOWN_TICKET');
    expectError(await post(h, '1', 'call', s1, { ticketId: q.id, reason: 'ok' }), 409, 'SERVICE_NOT_SERVED');
    // The board would say a manager decided it: counter staff cannot claim that.
    expectError(
      await post(h, '1', 'call', s1, { ticketId: a3.id, reason: 'ok', category: 'manager' }),
      403,
      'CATEGORY_MANAGER_ONLY',
    );
    expect((await h.api('GET', `${V1}/hall`)).body.recentCalls).toEqual([]);

    const r = await post(h, '1', 'call', s1, { ticketId: a3.id, reason: REASON, category: 'special-group' });
    expect(r.status).toBe(200);
    expect(r.body.ticket).toMatchObject({
      id: a3.id,
      number: 'A003',
      status: 'called',
      counterId: '1',
      outOfTurn: { category: 'special-group' },
    });
    expectError(await post(h, '1', 'call', s1, { ticketId: a3.id, reason: 'again' }), 409, 'TICKET_NOT_WAITING');

    const pub = await h.api('GET', `${V1}/tickets/${a3.id}`);
    expect(pub.body.ticket.outOfTurn).toEqual({ category: 'special-group' });
    expectNoneOf(pub.body, [REASON, 'secret-reason']);
    const hall = await h.api('GET', `${V1}/hall`);
    expect(hall.body.recentCalls[0]).toMatchObject({
      number: 'A003',
      counterId: '1',
      recall: false,
      outOfTurn: { category: 'special-group' },
    });
    expectNoneOf(hall.body, [REASON, 'secret-reason']);

    const audit = await auditAll(h);
    const entry = audit.find((e) => e.type === 'ticket.called' && e.data.ticketId === a3.id);
    expect(entry.data.outOfTurn).toEqual({ category: 'special-group', reason: REASON });
    expect(entry.actor).toMatch(/^user:/);

    // The rest of the queue is untouched; the default category is "other"; a manager may call across services.
    expectOk(await post(h, '1', 'start', s1));
    expectOk(await post(h, '1', 'finish', s1));
    expect((await callNext(h, '1', s1)).id).toBe(a1.id);
    expectOk(await post(h, '1', 'start', s1));
    const other = await post(h, '1', 'call', h.managerToken, { ticketId: q.id, reason: '系统重办' });
    expect(other.body.ticket).toMatchObject({ id: q.id, counterId: '1', outOfTurn: { category: 'other' } });
    expect((await h.api('GET', `${V1}/tickets/${a1.id}`)).body.ticket.status).toBe('done'); // finished by the call
    // A normal call of a ticket carries no out-of-turn mark.
    expectOk(await post(h, '1', 'start', s1));
    const plain = await callNext(h, '1', s1);
    expect(plain.number).toBe('A002');
    expect(plain).not.toHaveProperty('outOfTurn');
    expect((await h.api('GET', `${V1}/hall`)).body.recentCalls[0]).toMatchObject({ number: 'A002', outOfTurn: null });
  });
});
