/**
 * `Idempotency-Key` on POST /tickets: a kiosk that got no answer asks again with the same key and gets the ticket its
 * first request issued, never a second number (QA-L).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssueRepeats } from '../../server/http/routes/issue-repeats.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, V1 } from './support.js';

let h: TestHall;
let kiosk1: string;
let kiosk2: string;
beforeAll(async () => {
  h = await startTestHall();
  kiosk1 = (await h.device('kiosk-1', 'kiosk')).token;
  kiosk2 = (await h.device('kiosk-2', 'kiosk')).token;
});
afterAll(async () => {
  await h?.stop();
});

async function issueWithKey(token: string, key: string, body: object) {
  const res = await fetch(`${h.url}${V1}/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') };
}
const waiting = async (serviceId: string) =>
  (await h.api('GET', `${V1}/hall`)).body.services.find((s: any) => s.id === serviceId).waiting as number;

describe('asking for a number again with the same Idempotency-Key', () => {
  it('gets the first request’s ticket, at once or while it is still being issued, and issues one', async () => {
    const body = { serviceId: 'certificate' };
    const [a, b] = await Promise.all([
      issueWithKey(kiosk1, 'visit-0001', body),
      issueWithKey(kiosk1, 'visit-0001', body),
    ]);
    const c = await issueWithKey(kiosk1, 'visit-0001', body);
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.ticket.id, b.body.ticket.id, c.body.ticket.id]).size).toBe(1);
    expect(c.replayed).toBe('true');
    expect(c.body.ticket.number).toBe(a.body.ticket.number);
    expect(await waiting('certificate')).toBe(1);
    // Another caller's key is its own; a new key is a new number.
    expect((await issueWithKey(kiosk2, 'visit-0001', body)).body.ticket.id).not.toBe(a.body.ticket.id);
    expect((await issueWithKey(kiosk1, 'visit-0002', body)).body.ticket.id).not.toBe(a.body.ticket.id);
    expect(await waiting('certificate')).toBe(3);
  });

  it('refuses a key whose ticket has been cancelled since: no "here is your number" for it', async () => {
    const first = await issueWithKey(kiosk1, 'visit-0004', { serviceId: 'consult' });
    expect(first.status).toBe(201);
    const cancel = await h.api('POST', `${V1}/tickets/${first.body.ticket.id}/cancel`, {}, h.managerToken);
    expect(cancel.status).toBe(200);
    expectError(await issueWithKey(kiosk1, 'visit-0004', { serviceId: 'consult' }), 409, 'IDEMPOTENCY_KEY_EXPIRED');
  });

  it('refuses the same key for another request, and a malformed key, changing nothing', async () => {
    await issueWithKey(kiosk1, 'visit-0003', { serviceId: 'payment' });
    const other = await issueWithKey(kiosk1, 'visit-0003', { serviceId: 'query' });
    expectError(other, 409, 'IDEMPOTENCY_KEY_REUSED');
    const bad = await issueWithKey(kiosk1, 'bad key!', { serviceId: 'query' });
    expectError(bad, 400, 'INVALID_IDEMPOTENCY_KEY');
    expect(await waiting('query')).toBe(0);
  });
});

describe('IssueRepeats', () => {
  it('keeps no refusal: the same key asked again decides anew', async () => {
    const repeats = new IssueRepeats();
    let calls = 0;
    const refuse = async () => {
      calls++;
      throw new Error('HALL_CLOSED');
    };
    await expect(repeats.run('kiosk-1', 'k-000001', '{}', 0, refuse)).rejects.toThrow('HALL_CLOSED');
    await expect(repeats.run('kiosk-1', 'k-000001', '{}', 1, async () => (calls++, 't1'))).resolves.toEqual({
      ticketId: 't1',
      repeated: false,
    });
    expect(calls).toBe(2);
  });

  it('forgets a key after 10 minutes', async () => {
    const repeats = new IssueRepeats();
    await repeats.run('kiosk-1', 'k-000002', '{}', 0, async () => 't1');
    expect((await repeats.run('kiosk-1', 'k-000002', '{}', 9 * 60_000, async () => 't2')).ticketId).toBe('t1');
    expect((await repeats.run('kiosk-1', 'k-000002', '{}', 10 * 60_000 + 1, async () => 't3')).ticketId).toBe('t3');
  });
});
