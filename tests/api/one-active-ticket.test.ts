/**
 * One identity, one active ticket per service (docs/queue-rule.md), however a ticket gets into a queue: issued, moved
 * there by a transfer, or back there by a reinstated no-show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, callNext, expectError, expectOk, issue, manualClock, MONDAY_10, V1 } from './support.js';

const clock = manualClock(MONDAY_10);
let h: TestHall;
let kiosk: string;
let staff7: string;

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
  kiosk = (await h.device('kiosk-1', 'kiosk')).token;
  staff7 = await h.staffAt('7', 'li'); // counter 7 serves query only
  // Open counters for enterprise (6) and payment (8): a transfer goes only where someone serves.
  await h.staffAt('6', 'zhou');
  await h.staffAt('8', 'wu');
});
afterAll(async () => {
  await h?.stop();
});

const waitingIn = async (serviceId: string) =>
  (await h.api('GET', `${V1}/tickets?status=waiting&serviceId=${serviceId}`, undefined, h.managerToken)).body.tickets
    .length as number;

describe('one active ticket per identity and service', () => {
  it('refuses to transfer a ticket into a service where its holder already waits', async () => {
    const id = makeIdNumber('19880808', 41);
    const enterprise = await issue(h, kiosk, { serviceId: 'enterprise', idNumber: id });
    const query = await issue(h, kiosk, { serviceId: 'query', idNumber: id });
    expect((await callNext(h, '7', staff7)).id).toBe(query.id);
    expectOk(await h.api('POST', `${V1}/counters/7/start`, {}, staff7)); // the holder at the window
    const r = await h.api('POST', `${V1}/counters/7/transfer`, { serviceId: 'enterprise' }, staff7);
    expectError(r, 409, 'ACTIVE_TICKET_EXISTS');
    expect(r.body.error.number).toBe(enterprise.number);
    expect((await h.api('GET', `${V1}/tickets/${query.id}`)).body.ticket.status).toBe('serving');
    expect(await waitingIn('enterprise')).toBe(1);
    // Into a service where the holder has nothing, the transfer goes through.
    expectOk(await h.api('POST', `${V1}/counters/7/transfer`, { serviceId: 'payment' }, staff7));
  });

  it('refuses to reinstate a no-show whose holder has taken a new number for that service since', async () => {
    const id = makeIdNumber('19770707', 42);
    const first = await issue(h, kiosk, { serviceId: 'query', idNumber: id });
    expect((await callNext(h, '7', staff7)).id).toBe(first.id);
    clock.advance(1); // the holder's minute to come
    expectOk(await h.api('POST', `${V1}/counters/7/no-show`, {}, staff7));
    const second = await issue(h, kiosk, { serviceId: 'query', idNumber: id });
    const r = await h.api('POST', `${V1}/tickets/${first.id}/reinstate`, {}, kiosk);
    expectError(r, 409, 'ACTIVE_TICKET_EXISTS');
    expect(r.body.error.number).toBe(second.number);
    expect((await h.api('GET', `${V1}/tickets/${first.id}`)).body.ticket.status).toBe('no_show');
    // Once the new number is served, the old one may come back within its grace.
    expect((await callNext(h, '7', staff7)).id).toBe(second.id);
    expectOk(await h.api('POST', `${V1}/counters/7/start`, {}, staff7));
    expectOk(await h.api('POST', `${V1}/counters/7/finish`, {}, staff7));
    expectOk(await h.api('POST', `${V1}/tickets/${first.id}/reinstate`, {}, kiosk));
  });

  it('a transfer cannot push the called ahead of a friend: not before the holder could come, nor to nobody', async () => {
    // Counter 10 serves consultations; three wait, the third the clerk's friend.
    const staff10 = await h.staffAt('10', 'qian');
    const ahead1 = await issue(h, kiosk, { serviceId: 'consult' });
    const ahead2 = await issue(h, kiosk, { serviceId: 'consult' });
    await issue(h, kiosk, { serviceId: 'consult' });
    expect((await callNext(h, '10', staff10)).id).toBe(ahead1.id);
    const early = await h.api('POST', `${V1}/counters/10/transfer`, { serviceId: 'payment' }, staff10);
    expectError(early, 409, 'TOO_EARLY_FOR_TRANSFER');
    expect(early.body.error.transferFrom).toEqual(expect.any(String));
    // 办不成事 (unresolved): counter 11 is closed, nobody would serve them there.
    clock.advance(2); // past the no-show wait
    const nobody = await h.api('POST', `${V1}/counters/10/transfer`, { serviceId: 'unresolved' }, staff10);
    expectError(nobody, 409, 'TRANSFER_TARGET_UNSERVED');
    expect((await h.api('GET', `${V1}/tickets/${ahead1.id}`)).body.ticket).toMatchObject({
      status: 'called',
      serviceId: 'consult',
    });
    // After the wait, to a service someone serves, it goes through: the same cost as a no-show.
    expectOk(await h.api('POST', `${V1}/counters/10/transfer`, { serviceId: 'payment' }, staff10));
    expect((await callNext(h, '10', staff10)).id).toBe(ahead2.id);
    // Started at once ("the holder is at the window") and transferred at once: it goes, and the manager sees it.
    expectOk(await h.api('POST', `${V1}/counters/10/start`, {}, staff10));
    expectOk(await h.api('POST', `${V1}/counters/10/transfer`, { serviceId: 'payment' }, staff10));
    const quick = (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts.filter(
      (a: any) => a.kind === 'counter.quick_finishes' && a.counterId === '10',
    );
    expect(quick).toEqual([expect.objectContaining({ numbers: [ahead2.number] })]); // not ahead1: it waited its minute
  });

  it('staff check the person at the window against the ID the ticket was taken with (no resale)', async () => {
    const id = makeIdNumber('19770707', 51);
    const bound = await issue(h, kiosk, { serviceId: 'payment', idNumber: id });
    const unbound = await issue(h, kiosk, { serviceId: 'payment' });
    const check = (ticketId: string, idNumber: string, token = staff7) =>
      h.api('POST', `${V1}/tickets/${ticketId}/check-holder`, { idNumber }, token);
    expect((await check(bound.id, id)).body).toEqual({ holder: true });
    expect((await check(bound.id, id.toLowerCase())).body).toEqual({ holder: true });
    expect((await check(bound.id, makeIdNumber('19770707', 52))).body).toEqual({ holder: false });
    expectError(await check(unbound.id, id), 409, 'TICKET_NOT_ID_BOUND');
    expectError(await check(bound.id, '110105198203041235'), 400, 'INVALID_ID_NUMBER');
    expectError(await check(bound.id, id, kiosk), 403, 'FORBIDDEN');
    // The console sees which tickets carry an ID; the holder's own page does not say.
    const list = (await h.api('GET', `${V1}/tickets?serviceId=payment&status=waiting`, undefined, staff7)).body.tickets;
    expect(list.find((t: any) => t.id === bound.id).idBound).toBe(true);
    expect(list.find((t: any) => t.id === unbound.id).idBound).toBe(false);
    expect((await h.api('GET', `${V1}/tickets/${bound.id}`)).body.ticket.idBound).toBeUndefined();
    // Each check is on the query trail.
    const reads = (await auditAll(h, 'type=data.read')).filter((e: any) => e.data.resource === 'tickets.holder');
    expect(reads.length).toBeGreaterThanOrEqual(1);
  });
});
