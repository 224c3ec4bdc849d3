/** GET /ws: snapshot then ordered events, per audience; resume with ?since=N; bad tokens refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectNoneOf, expectOk, issue, manualClock, MONDAY_10, openWs, sleep, V1, type WsReader } from './support.js';

describe('WebSocket stream', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  let display: string;
  let staff: string;
  const ID = makeIdNumber('19660606', 66);
  const PHONE = '13566667777';
  const REASON = 'private-reason-5521';
  const open: WsReader[] = [];

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    display = (await h.device('board-1', 'display')).token;
    staff = await h.staffAt('1');
  });
  afterAll(async () => {
    for (const c of open) await c.close();
    await h?.stop();
  });

  async function connect(query = '', headers?: Record<string, string>) {
    const c = await openWs(h, query, headers);
    open.push(c);
    return c;
  }

  let publicClient: WsReader;
  let snapshotSeq = 0;

  it('sends a public snapshot first, without a token', async () => {
    publicClient = await connect();
    const [first] = await publicClient.waitFor(1);
    expect(first.type).toBe('snapshot');
    expect(Number.isInteger(first.seq)).toBe(true);
    expect(first.seq).toBeGreaterThan(0); // the counter sign-in was an event
    snapshotSeq = first.seq;
    expect(first.state).toMatchObject({
      id: 'yunfu-realestate',
      name: '云浮市不动产登记中心',
      emergency: null,
      recentCalls: [],
    });
    expect(first.state.services.map((s: any) => s.id)).toContain('one-window');
    expect(first.state.counters.find((c: any) => c.id === '1')).toMatchObject({ status: 'open' });
    expect(first.state).not.toHaveProperty('tickets');
  });

  it('then streams ticket.issued and ticket.called with consecutive seq, public view without id or verifyCode', async () => {
    const t = await issue(h, kiosk, { serviceId: 'one-window', idNumber: ID, phone: PHONE });
    const called = await h.api('POST', `${V1}/counters/1/call-next`, {}, staff);
    expectOk(called);
    const msgs = await publicClient.waitFor(3);
    const [issued, call] = msgs.slice(1);
    expect(issued).toMatchObject({
      type: 'event',
      seq: snapshotSeq + 1,
      event: {
        type: 'ticket.issued',
        ticket: { number: 'A001', serviceId: 'one-window', status: 'waiting', priority: 'normal' },
      },
    });
    expect(call).toMatchObject({
      type: 'event',
      seq: snapshotSeq + 2,
      event: {
        type: 'ticket.called',
        counterId: '1',
        outOfTurn: null,
        ticket: { number: 'A001', status: 'called', counterId: '1' },
      },
    });
    for (const m of [issued, call]) {
      expect(m.event.ticket).not.toHaveProperty('id');
      expect(m.event.ticket).not.toHaveProperty('verifyCode');
      expect(m.event.at).toBe(new Date(clock.now).toISOString());
    }
    expectNoneOf(publicClient.raw.join('\n'), [ID, PHONE, t.id, '"verifyCode"']);
  });

  it('gives staff ids and verify codes, and hall devices ids only', async () => {
    const staffClient = await connect(`?token=${staff}`);
    const displayClient = await connect('', { authorization: `Bearer ${display}` });
    const [staffSnap] = await staffClient.waitFor(1);
    const [displaySnap] = await displayClient.waitFor(1);
    expect(staffSnap.type).toBe('snapshot');
    expect(staffSnap.state.tickets.map((t: any) => t.number)).toEqual(['A001']);
    expect(displaySnap.state).not.toHaveProperty('tickets');

    const t = await issue(h, kiosk, { serviceId: 'one-window' });
    const [, staffEvt] = await staffClient.waitFor(2);
    const [, displayEvt] = await displayClient.waitFor(2);
    expect(staffEvt.event.ticket).toMatchObject({ id: t.id, number: 'A002', verifyCode: t.verifyCode });
    expect(displayEvt.event.ticket).toMatchObject({ id: t.id, number: 'A002' });
    expect(displayEvt.event.ticket).not.toHaveProperty('verifyCode');
    expect(staffEvt.seq).toBe(displayEvt.seq);
    await publicClient.waitFor(4);
    expect(publicClient.messages[3].seq).toBe(staffEvt.seq);
  });

  it('shows an out-of-order call and its category, never the reason; multi-event commands keep seq consecutive', async () => {
    expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff));
    const a3 = await issue(h, kiosk, { serviceId: 'one-window' });
    expectOk(
      await h.api('POST', `${V1}/counters/1/call`, { ticketId: a3.id, reason: REASON, category: 'urgent' }, staff),
    );
    const msgs = await publicClient.waitFor(8); // started, issued, finished (by the call), called
    const last = msgs.slice(4);
    expect(last.map((m) => m.event.type)).toEqual([
      'ticket.started',
      'ticket.issued',
      'ticket.finished',
      'ticket.called',
    ]);
    expect(last[3].event).toMatchObject({
      outOfTurn: { category: 'urgent' },
      ticket: { number: 'A003', outOfTurn: { category: 'urgent' } },
    });
    expectNoneOf(publicClient.raw.join('\n'), [REASON, ID, PHONE]);
    const seqs = publicClient.messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => snapshotSeq + i));
  });

  it('replays exactly the events after ?since=N, then goes on live', async () => {
    const n = snapshotSeq + 2;
    const resumed = await connect(`?since=${n}`);
    const expected = publicClient.raw.slice(3); // everything after seq n, exactly as sent live
    const got = await resumed.waitFor(expected.length);
    expect(resumed.raw).toEqual(expected);
    expect(got[0].type).toBe('event');
    expect(got[0].seq).toBe(n + 1);
    await sleep(50);
    expect(resumed.messages).toHaveLength(expected.length);

    // Caught up (since = head): nothing is replayed, live events follow.
    const head = publicClient.messages.at(-1).seq;
    const caughtUp = await connect(`?since=${head}`);
    await sleep(50);
    expect(caughtUp.messages).toEqual([]);
    expectOk(await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'network-outage' }, h.managerToken));
    const [evt] = await caughtUp.waitFor(1);
    expect(evt).toMatchObject({
      type: 'event',
      seq: head + 1,
      event: { type: 'emergency.changed', active: { playbookId: 'network-outage', issuing: 'normal' }, previous: null },
    });
    expect((await resumed.waitFor(expected.length + 1)).at(-1).seq).toBe(head + 1);

    // A position from the future (another server's numbering) gets a fresh snapshot.
    const future = await connect(`?since=${head + 1000}`);
    const [snap] = await future.waitFor(1);
    expect(snap).toMatchObject({ type: 'snapshot', seq: head + 1 });
    expect(snap.state.emergency).toMatchObject({ playbookId: 'network-outage' });
    const junk = await connect('?since=abc');
    expect((await junk.waitFor(1))[0].type).toBe('snapshot');
  });

  it('replays to a resuming staff screen each event as it was, though no staff screen was connected then', async () => {
    const head = publicClient.messages.at(-1).seq;
    const t = await issue(h, kiosk, { serviceId: 'payment' });
    expectOk(await h.api('POST', `${V1}/tickets/${t.id}/cancel`, {}, h.managerToken));
    const staffScreen = await connect(`?since=${head}&token=${staff}`);
    const [issued, cancelled] = await staffScreen.waitFor(2);
    expect(issued).toMatchObject({
      seq: head + 1,
      event: {
        type: 'ticket.issued',
        ticket: { id: t.id, number: t.number, status: 'waiting', verifyCode: t.verifyCode },
      },
    });
    expect(cancelled).toMatchObject({
      seq: head + 2,
      event: { type: 'ticket.cancelled', ticket: { id: t.id, status: 'cancelled' } },
    });
  });

  it('refuses an unknown or revoked token', async () => {
    await expect(openWs(h, '?token=' + 'A'.repeat(43))).rejects.toMatchObject({ statusCode: 401 });
    await expect(openWs(h, '', { authorization: `Bearer ${'B'.repeat(43)}` })).rejects.toMatchObject({
      statusCode: 401,
    });
    const login = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
    expectOk(await h.api('POST', `${V1}/auth/logout`, {}, login.body.token));
    await expect(openWs(h, `?token=${login.body.token}`)).rejects.toMatchObject({ statusCode: 401 });
  });
});
