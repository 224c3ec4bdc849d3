/** Ratings after service (1–5, one per finished ticket) and the follow-ups that poor ratings open. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, callNext, expectError, expectOk, issue, manualClock, MONDAY_10, V1 } from './support.js';

describe('evaluations and follow-ups', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  let pad2: string;
  let pad3: string;
  let staff: string;

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    pad2 = (await h.device('pad-2', 'pad', { counterId: '2' })).token;
    pad3 = (await h.device('pad-3', 'pad', { counterId: '3' })).token;
    staff = await h.staffAt('2');
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function servedTicket(): Promise<any> {
    const t = await issue(h, kiosk, { serviceId: 'one-window' });
    expect((await callNext(h, '2', staff)).id).toBe(t.id);
    expectOk(await h.api('POST', `${V1}/counters/2/start`, {}, staff));
    clock.advance(7);
    expectOk(await h.api('POST', `${V1}/counters/2/finish`, {}, staff));
    return t;
  }

  const rate = (token: string, body: unknown) => h.api('POST', `${V1}/evaluations`, body, token);

  it('rates a finished ticket once (5 = 非常满意); a second rating is 409 ALREADY_RATED', async () => {
    const waiting = await issue(h, kiosk, { serviceId: 'one-window' });
    expectError(await rate(pad2, { ticketId: waiting.id, score: 5 }), 409, 'TICKET_NOT_FINISHED');
    await callNext(h, '2', staff);
    expectError(await rate(pad2, { ticketId: waiting.id, score: 5 }), 409, 'TICKET_NOT_FINISHED');
    expectOk(await h.api('POST', `${V1}/counters/2/start`, {}, staff));
    expectOk(await h.api('POST', `${V1}/counters/2/finish`, {}, staff));

    const r = await rate(pad2, { ticketId: waiting.id, score: 5, comment: '服务很好' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ evaluation: { ticketId: waiting.id, score: 5 }, followUpId: null });
    expectError(await rate(pad2, { ticketId: waiting.id, score: 4 }), 409, 'ALREADY_RATED');
    expectError(await rate(kiosk, { ticketId: waiting.id, score: 1 }), 409, 'ALREADY_RATED');
    expect((await h.api('GET', `${V1}/tickets/${waiting.id}`)).body.ticket.rated).toBe(true);
    const recorded = (await auditAll(h)).filter((e) => e.type === 'evaluation.recorded');
    expect(recorded.map((e) => [e.data.ticketId, e.data.score, e.data.counterId])).toEqual([[waiting.id, 5, '2']]);
  });

  it('refuses bad scores, unknown tickets and a pad of another counter', async () => {
    const t = await servedTicket();
    for (const score of [0, 6, 3.5, '5', null, -1])
      expectError(await rate(pad2, { ticketId: t.id, score }), 400, 'VALIDATION_FAILED');
    expectError(await rate(pad2, { ticketId: t.id }), 400, 'VALIDATION_FAILED');
    expectError(await rate(pad2, { ticketId: t.id, score: 4, comment: 'x'.repeat(501) }), 400, 'VALIDATION_FAILED');
    expectError(await rate(pad2, { ticketId: 't_unknown000000', score: 4 }), 404, 'UNKNOWN_TICKET');
    expectError(await rate(pad3, { ticketId: t.id, score: 4 }), 403, 'WRONG_COUNTER');
    expectError(await rate(staff, { ticketId: t.id, score: 4 }), 403, 'FORBIDDEN');
    expect((await h.api('GET', `${V1}/tickets/${t.id}`)).body.ticket.rated).toBe(false);
    // A kiosk (not bound to a counter) may take the rating.
    expect((await rate(kiosk, { ticketId: t.id, score: 3 })).body.followUpId).toBeNull();
  });

  it('a pad rates only the citizen just served at its counter, until the next is served or ten minutes pass', async () => {
    const unbound = (await h.device('pad-loose', 'pad')).token;
    const a = await servedTicket(); // left without rating
    expectError(await rate(unbound, { ticketId: a.id, score: 1 }), 403, 'PAD_NOT_AT_COUNTER');
    const b = await issue(h, kiosk, { serviceId: 'one-window' });
    expect((await callNext(h, '2', staff)).id).toBe(b.id);
    expectOk(await h.api('POST', `${V1}/counters/2/start`, {}, staff));
    // The next citizen is being served: the previous one's rating is closed at the pad, and stays so.
    expectError(await rate(pad2, { ticketId: a.id, score: 5 }), 409, 'RATING_CLOSED');
    expectOk(await h.api('POST', `${V1}/counters/2/finish`, {}, staff));
    expectError(await rate(pad2, { ticketId: a.id, score: 5 }), 409, 'RATING_CLOSED');
    expectOk(await rate(pad2, { ticketId: b.id, score: 4 }), 201);
    // The next only called (still walking up): the one just served may still rate.
    const c = await servedTicket();
    const d = await issue(h, kiosk, { serviceId: 'one-window' });
    expect((await callNext(h, '2', staff)).id).toBe(d.id);
    expectOk(await rate(pad2, { ticketId: c.id, score: 5 }), 201);
    expectOk(await h.api('POST', `${V1}/counters/2/start`, {}, staff));
    expectOk(await h.api('POST', `${V1}/counters/2/finish`, {}, staff));
    clock.advance(11);
    expectError(await rate(pad2, { ticketId: d.id, score: 5 }), 409, 'RATING_CLOSED');
    // A kiosk (the citizen with the ticket's QR code) may still rate their own service.
    expectOk(await rate(kiosk, { ticketId: d.id, score: 5 }), 201);
  });

  it('opens a follow-up for scores 1 and 2, which a manager answers once', async () => {
    const poor = await servedTicket();
    const r = await rate(pad2, { ticketId: poor.id, score: 1, comment: '等太久了' });
    expect(r.status).toBe(201);
    expect(r.body.followUpId).toMatch(/^fu/);
    const two = await servedTicket();
    const r2 = await rate(pad2, { ticketId: two.id, score: 2 });
    expect(r2.body.followUpId).toMatch(/^fu/);

    const list = await h.api('GET', `${V1}/followups`, undefined, h.managerToken);
    expect(list.status).toBe(200);
    const mine = list.body.followUps.find((f: any) => f.id === r.body.followUpId);
    expect(mine).toMatchObject({
      ticketId: poor.id,
      number: poor.number,
      counterId: '2',
      score: 1,
      comment: '等太久了',
      open: true,
      answeredAt: null,
    });
    expect(list.body.followUps.filter((f: any) => f.open)).toHaveLength(2);

    const url = `${V1}/followups/${r.body.followUpId}/answer`;
    expectError(await h.api('POST', url, {}, h.managerToken), 400, 'ANSWER_REQUIRED');
    expectError(await h.api('POST', url, { answer: '   ' }, h.managerToken), 400, 'ANSWER_REQUIRED');
    expectError(await h.api('POST', url, { answer: '已回访' }, staff), 403, 'FORBIDDEN');
    expect(await h.api('POST', url, { answer: '已电话回访，致歉并说明高峰时段' }, h.managerToken)).toEqual({
      status: 200,
      body: { ok: true },
    });
    expectError(await h.api('POST', url, { answer: '再次回访' }, h.managerToken), 409, 'ALREADY_ANSWERED');
    expectError(
      await h.api('POST', `${V1}/followups/fu_unknown/answer`, { answer: 'x' }, h.managerToken),
      404,
      'UNKNOWN_FOLLOWUP',
    );

    const after = (await h.api('GET', `${V1}/followups`, undefined, h.managerToken)).body.followUps;
    expect(after.find((f: any) => f.id === r.body.followUpId)).toMatchObject({
      open: false,
      answer: '已电话回访，致歉并说明高峰时段',
    });
    expect(after.find((f: any) => f.id === r2.body.followUpId).open).toBe(true);
  });
});
