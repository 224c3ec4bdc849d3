/** Many requests at the same instant: no ticket called twice, no number issued twice or skipped, limits hold. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditVerify, expectOk, manualClock, MONDAY_10, V1, waitingCounts } from './support.js';

const SERVICES = ['one-window', 'mortgage', 'enterprise', 'query', 'payment', 'certificate', 'consult', 'unresolved'];
const COUNTERS = Array.from({ length: 12 }, (_, i) => String(i + 1));

describe('concurrency', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  const staff: Record<string, string> = {};
  beforeAll(async () => {
    // A set instant (no day change mid-test); one kiosk issues far more than a visitor can without an ID.
    h = await startTestHall({ clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    for (const id of COUNTERS) staff[id] = await h.staffAt(id);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('50 tickets issued at once get 50 distinct consecutive numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = results.map((r) => r.body.ticket.number).sort();
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`));
    expect(new Set(results.map((r) => r.body.ticket.id)).size).toBe(50);
    expect((await waitingCounts(h))['one-window']).toBe(50);
    // Clear them so the next test starts from an empty hall.
    await Promise.all(
      results.map((r) => h.api('POST', `${V1}/tickets/${r.body.ticket.id}/cancel`, {}, h.managerToken)),
    );
    expect((await waitingCounts(h))['one-window']).toBe(0);
  });

  it('24 call-next requests at once on 12 counters (staff and manager) never call a ticket twice', async () => {
    const issued = [];
    for (let i = 0; i < 40; i++) {
      const r = await h.api('POST', `${V1}/tickets`, { serviceId: SERVICES[i % SERVICES.length] }, kiosk);
      expectOk(r, 201);
      issued.push(r.body.ticket.id);
    }
    const first = await Promise.all(
      COUNTERS.flatMap((c) => [
        h.api('POST', `${V1}/counters/${c}/call-next`, {}, staff[c]),
        h.api('POST', `${V1}/counters/${c}/call-next`, {}, h.managerToken),
      ]),
    );
    const ok = first.filter((r) => r.status === 200);
    const refused = first.filter((r) => r.status !== 200);
    // Each counter gets exactly one ticket; its second request finds a called ticket in hand.
    expect(ok).toHaveLength(12);
    expect(refused.map((r) => `${r.status} ${r.body.error.code}`)).toEqual(Array(12).fill('409 TICKET_IN_PROGRESS'));
    const calledIds = ok.map((r) => r.body.ticket.id);
    expect(new Set(calledIds).size).toBe(12);
    expect(new Set(ok.map((r) => r.body.ticket.counterId))).toEqual(new Set(COUNTERS));

    const state = await h.api('GET', `${V1}/tickets?status=called`, undefined, h.managerToken);
    expect(state.body.tickets.map((t: any) => t.id).sort()).toEqual([...calledIds].sort());
    const hall = await h.api('GET', `${V1}/hall`);
    const current = hall.body.counters.map((c: any) => c.current).filter(Boolean);
    expect(new Set(current).size).toBe(12);
    expect(Object.values(await waitingCounts(h)).reduce((a, b) => a + b, 0)).toBe(28);

    // Keep every counter calling (start, then two concurrent call-next each) until the hall is empty.
    const everCalled = [...calledIds];
    for (let round = 0; round < 30; round++) {
      await Promise.all(COUNTERS.map((c) => h.api('POST', `${V1}/counters/${c}/start`, {}, staff[c])));
      const res = await Promise.all(
        COUNTERS.flatMap((c) => [
          h.api('POST', `${V1}/counters/${c}/call-next`, {}, staff[c]),
          h.api('POST', `${V1}/counters/${c}/call-next`, {}, h.managerToken),
        ]),
      );
      for (const r of res) {
        expect([200, 404, 409]).toContain(r.status);
        if (r.status === 200 && r.body.ticket) everCalled.push(r.body.ticket.id);
      }
      if (res.every((r) => r.status === 404)) break;
    }
    expect(everCalled).toHaveLength(40);
    expect(new Set(everCalled)).toEqual(new Set(issued));
    // An empty queue refuses call-next without finishing the ticket in hand: finish the last ones.
    await Promise.all(COUNTERS.map((c) => h.api('POST', `${V1}/counters/${c}/finish`, {}, staff[c])));
    const done = await h.api('GET', `${V1}/tickets?status=done`, undefined, h.managerToken);
    expect(done.body.tickets.map((t: any) => t.id).sort()).toEqual([...issued].sort());
    expect((await h.api('GET', `${V1}/hall`)).body.counters.every((c: any) => c.current === null)).toBe(true);
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });

  it('an out-of-order call of one ticket from 12 counters at once succeeds once', async () => {
    const t = (await h.api('POST', `${V1}/tickets`, { serviceId: 'payment' }, kiosk)).body.ticket;
    const res = await Promise.all(
      COUNTERS.map((c) =>
        h.api(
          'POST',
          `${V1}/counters/${c}/call`,
          { ticketId: t.id, reason: '并发测试', category: 'manager' },
          h.managerToken,
        ),
      ),
    );
    expect(res.filter((r) => r.status === 200)).toHaveLength(1);
    expect(res.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(
      Array(11).fill('TICKET_NOT_WAITING'),
    );
    const winner = res.find((r) => r.status === 200)!.body.ticket.counterId;
    const after = (await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket;
    expect(after).toMatchObject({ status: 'called', counterId: winner });
    clock.advance(1); // the holder's minute to come
    expectOk(await h.api('POST', `${V1}/counters/${winner}/no-show`, {}, h.managerToken));
    // Reinstating it from several kiosks at once: one wins.
    const again = await Promise.all(
      Array.from({ length: 6 }, () => h.api('POST', `${V1}/tickets/${t.id}/reinstate`, {}, kiosk)),
    );
    expect(again.filter((r) => r.status === 200)).toHaveLength(1);
    expect(again.filter((r) => r.status === 409)).toHaveLength(5);
  });

  it('one identity at many kiosks at once: one active ticket per service, three a day', async () => {
    const id = makeIdNumber('19851010', 501);
    const same = await Promise.all(
      Array.from({ length: 10 }, () => h.api('POST', `${V1}/tickets`, { serviceId: 'consult', idNumber: id }, kiosk)),
    );
    expect(same.filter((r) => r.status === 201)).toHaveLength(1);
    expect(same.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(
      Array(9).fill('ACTIVE_TICKET_EXISTS'),
    );

    const other = makeIdNumber('19851010', 502);
    const spread = await Promise.all(
      SERVICES.map((serviceId) => h.api('POST', `${V1}/tickets`, { serviceId, idNumber: other }, kiosk)),
    );
    expect(spread.filter((r) => r.status === 201)).toHaveLength(3);
    expect(spread.filter((r) => r.status === 429).map((r) => r.body.error.code)).toEqual(Array(5).fill('DAILY_LIMIT'));
  });

  it('one finished ticket rated from several pads at once is rated once', async () => {
    const pad = (await h.device('pad-8', 'pad', { counterId: '8' })).token;
    expectOk(await h.api('POST', `${V1}/tickets`, { serviceId: 'payment' }, kiosk), 201);
    const t = (await h.api('POST', `${V1}/counters/8/call-next`, {}, staff['8'])).body.ticket;
    expect(t.status).toBe('called');
    expectOk(await h.api('POST', `${V1}/counters/8/start`, {}, staff['8']));
    expectOk(await h.api('POST', `${V1}/counters/8/finish`, {}, staff['8']));
    const res = await Promise.all(
      [5, 4, 3, 1, 2].map((score) => h.api('POST', `${V1}/evaluations`, { ticketId: t.id, score }, pad)),
    );
    expect(res.filter((r) => r.status === 201)).toHaveLength(1);
    expect(res.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(Array(4).fill('ALREADY_RATED'));
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });
});
