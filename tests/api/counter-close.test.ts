/** A counter does not close on people only it serves (QUEUE_NOT_EMPTY), unless a manager forces it (R6). */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, expectOk, issue, manualClock, MONDAY_10, V1 } from './support.js';

let h: TestHall | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const counterStatus = async (hall: TestHall, id: string) =>
  (await hall.api('GET', `${V1}/counters`)).body.counters.find((c: any) => c.id === id).status;
const serviceView = async (hall: TestHall, id: string) =>
  (await hall.api('GET', `${V1}/hall`)).body.services.find((s: any) => s.id === id);

describe('closing a counter', () => {
  it('is refused while people wait whom no other open counter serves, and changes nothing', async () => {
    h = await startTestHall();
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const staff = await h.staffAt('7'); // the only counter for records queries
    await issue(h, kiosk, { serviceId: 'query' });
    const r = await h.api('POST', `${V1}/counters/7/close`, {}, staff);
    expectError(r, 409, 'QUEUE_NOT_EMPTY');
    expect(r.body.error).toMatchObject({ services: ['query'], waiting: 1 });
    expect(await counterStatus(h, '7')).toBe('open');
    expect(await serviceView(h, 'query')).toMatchObject({ waiting: 1, needsCounter: false });
    expectError(await h.api('POST', `${V1}/counters/7/close`, { force: true }, staff), 403, 'FORBIDDEN');
    expectError(await h.api('POST', `${V1}/counters/7/close`, { force: 'yes' }, staff), 400, 'VALIDATION_FAILED');
    expect(await counterStatus(h, '7')).toBe('open');
  });

  it('signing out with people only it serves is never silent: audited, and shown as needing a counter', async () => {
    h = await startTestHall();
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const staff = await h.staffAt('7');
    await issue(h, kiosk, { serviceId: 'query' });
    expectOk(await h.api('POST', `${V1}/counters/7/sign-out`, {}, staff));
    expect(await counterStatus(h, '7')).toBe('closed');
    // The board asks for a counter, the entry names what was left.
    expect(await serviceView(h, 'query')).toMatchObject({ waiting: 1, needsCounter: true });
    const signedOut = (await auditAll(h)).filter((e) => e.type === 'counter.status' && e.data.change === 'sign-out');
    expect(signedOut.at(-1).data.forcedWithWaiting).toEqual(['query']);
    // Another counter for queries (12, the green lane) takes it up.
    await h.staffAt('12');
    expect(await serviceView(h, 'query')).toMatchObject({ needsCounter: false });
  });

  it('a manager may force it: the tickets stay waiting, shown as needing a counter, and the close is audited', async () => {
    h = await startTestHall();
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    await h.staffAt('7');
    const t = await issue(h, kiosk, { serviceId: 'query' });
    expectOk(await h.api('POST', `${V1}/counters/7/close`, { force: true }, h.managerToken));
    expect(await counterStatus(h, '7')).toBe('closed');
    expect(await serviceView(h, 'query')).toMatchObject({ waiting: 1, needsCounter: true });
    expect((await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket).toMatchObject({ status: 'waiting', position: 1 });
    const closes = (await auditAll(h)).filter((e) => e.type === 'counter.status' && e.data.change === 'close');
    expect(closes).toHaveLength(1);
    expect(closes[0].data.forcedWithWaiting).toEqual(['query']);
    // Another counter opened for it: no longer needing one.
    await h.staffAt('12');
    expect(await serviceView(h, 'query')).toMatchObject({ needsCounter: false });
  });

  it('a manager may force it and move the people waiting to a service another open counter serves', async () => {
    h = await startTestHall();
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const staff = await h.staffAt('7');
    await h.staffAt('1'); // serves one-window only
    const first = await issue(h, kiosk, { serviceId: 'query' });
    const second = await issue(h, kiosk, { serviceId: 'query' });
    const close = (body: object, token = h!.managerToken) => h!.api('POST', `${V1}/counters/7/close`, body, token);
    // Refused, and nothing moved: staff may not, nobody else serves payment, no such service.
    expectError(await close({ reassignTo: 'one-window' }, staff), 403, 'FORBIDDEN');
    expectError(await close({ force: true, reassignTo: 'payment' }), 409, 'REASSIGN_TARGET_UNSERVED');
    expectError(await close({ force: true, reassignTo: 'nowhere' }), 404, 'UNKNOWN_SERVICE');
    expect(await counterStatus(h, '7')).toBe('open');
    expect(await serviceView(h, 'query')).toMatchObject({ waiting: 2 });

    expectOk(await close({ force: true, reassignTo: 'one-window' }));
    expect(await counterStatus(h, '7')).toBe('closed');
    expect(await serviceView(h, 'query')).toMatchObject({ waiting: 0, needsCounter: false });
    expect(await serviceView(h, 'one-window')).toMatchObject({ waiting: 2 });
    const moved = (await auditAll(h)).filter((e) => e.type === 'ticket.transferred');
    expect(moved.map((e) => [e.data.ticketId, e.data.fromServiceId, e.data.toServiceId])).toEqual([
      [first.id, 'query', 'one-window'],
      [second.id, 'query', 'one-window'],
    ]);
    // In the order they were issued: the first moved is called first at counter 1.
    const called = await h.api('POST', `${V1}/counters/1/call-next`, {}, h.managerToken);
    expect(called.body.ticket.id).toBe(first.id);
  });

  it('counts a paused counter only briefly: past backupAfterPausedMinutes its people wait for nobody', async () => {
    const clock = manualClock(MONDAY_10);
    h = await startTestHall({ clock: clock.clock });
    const hall = h;
    const kiosk = (await hall.device('kiosk-1', 'kiosk')).token;
    const seven = await hall.staffAt('7'); // the only counter for records queries
    const one = await hall.staffAt('1');
    const moveToQuery = async () => {
      await issue(hall, kiosk, { serviceId: 'one-window' });
      expectOk(await hall.api('POST', `${V1}/counters/1/call-next`, {}, one));
      expectOk(await hall.api('POST', `${V1}/counters/1/start`, {}, one));
      return hall.api('POST', `${V1}/counters/1/transfer`, { serviceId: 'query' }, one);
    };
    await issue(hall, kiosk, { serviceId: 'query' });
    expectOk(await hall.api('POST', `${V1}/counters/7/pause`, { reason: '下班' }, seven));
    clock.advance(9);
    expect(await serviceView(hall, 'query')).toMatchObject({ waiting: 1, needsCounter: false });
    expectOk(await moveToQuery());
    // Ten minutes (the reference hall's backupAfterPausedMinutes): the clerk who paused has gone.
    clock.advance(1);
    expect(await serviceView(hall, 'query')).toMatchObject({ waiting: 2, needsCounter: true });
    expectError(await moveToQuery(), 409, 'TRANSFER_TARGET_UNSERVED');
    expectOk(await hall.api('POST', `${V1}/counters/1/finish`, {}, one));
    // The clerk back at counter 7 serves them again.
    expectOk(await hall.api('POST', `${V1}/counters/7/resume`, {}, seven));
    expect(await serviceView(hall, 'query')).toMatchObject({ waiting: 2, needsCounter: false });
  });

  it('restarts the pause clock when someone signs in at the paused counter, and never stops it', async () => {
    const clock = manualClock(MONDAY_10);
    h = await startTestHall({ clock: clock.clock });
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const seven = await h.staffAt('7');
    await issue(h, kiosk, { serviceId: 'query' });
    expectOk(await h.api('POST', `${V1}/counters/7/pause`, { reason: '下班' }, seven));
    clock.advance(5);
    expectOk(await h.api('POST', `${V1}/counters/7/sign-in`, {}, seven)); // the console's counter-pick screen
    expect(await counterStatus(h, '7')).toBe('paused');
    clock.advance(9);
    expect(await serviceView(h, 'query')).toMatchObject({ needsCounter: false });
    clock.advance(1);
    expect(await serviceView(h, 'query')).toMatchObject({ needsCounter: true });
  });

  it('closes when another open or briefly paused counter serves the people waiting, or nobody waits', async () => {
    h = await startTestHall();
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    const one = await h.staffAt('1');
    const two = await h.staffAt('2');
    await issue(h, kiosk, { serviceId: 'one-window' });
    expectOk(await h.api('POST', `${V1}/counters/2/pause`, { reason: '短暂离开' }, two));
    expectOk(await h.api('POST', `${V1}/counters/1/close`, {}, one));
    const eight = await h.staffAt('8');
    expectOk(await h.api('POST', `${V1}/counters/8/close`, {}, eight)); // nobody waits for payment
  });
});
