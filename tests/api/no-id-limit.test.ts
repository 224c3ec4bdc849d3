/**
 * A kiosk issues at most `kioskTicketsWithoutIdPerMinute` numbers without an ID number in any minute (QA-D: one person
 * took the morning's first 40 numbers in 264 ms, to sell them). With an ID the daily limit per identity holds instead;
 * staff are not limited. A refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, issue, manualClock, MONDAY_10, V1 } from './support.js';

const clock = manualClock(MONDAY_10);
let h: TestHall;
let kiosk1: string;
let kiosk2: string;
let clerk: string;

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
  kiosk1 = (await h.device('kiosk-1', 'kiosk')).token;
  kiosk2 = (await h.device('kiosk-2', 'kiosk')).token;
  clerk = await h.staffAt('7', 'li');
});
afterAll(async () => {
  await h?.stop();
});

const waiting = async () =>
  (await h.api('GET', `${V1}/tickets?status=waiting`, undefined, h.managerToken)).body.tickets.length as number;
/** The log's tickets (reading the log or the tickets is itself on it, as `data.read` and `audit.queried`). */
const issuedInLog = async () => (await auditAll(h)).filter((e) => e.type === 'ticket.issued').length;

describe('numbers without an ID number, per kiosk', () => {
  it('refuses the seventh in a minute with NO_ID_LIMIT and when to try again, and changes nothing', async () => {
    for (let i = 0; i < 6; i++) {
      await issue(h, kiosk1, { serviceId: 'query' });
      clock.now += 5_000;
    }
    const before = { waiting: await waiting(), issued: await issuedInLog() };
    const url = `${h.running.url}${V1}/tickets`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${kiosk1}`, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'query' }),
    });
    const body = await res.json();
    expectError({ status: res.status, body }, 429, 'NO_ID_LIMIT');
    // The first of the six ages out of the minute 30 s from now.
    expect(body.error).toMatchObject({ limit: 6, retryAfterSeconds: 30 });
    expect(res.headers.get('retry-after')).toBe('30');
    expect({ waiting: await waiting(), issued: await issuedInLog() }).toEqual(before);
  });

  it('still issues with an ID number, at another kiosk, and for staff', async () => {
    await issue(h, kiosk1, { serviceId: 'query', idNumber: makeIdNumber('19900101', 51) });
    await issue(h, kiosk2, { serviceId: 'query' });
    for (let i = 0; i < 8; i++) await issue(h, clerk, { serviceId: 'query' });
  });

  it('issues again once the oldest has aged out of the minute', async () => {
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, kiosk1), 429, 'NO_ID_LIMIT');
    clock.now += 30_000;
    await issue(h, kiosk1, { serviceId: 'query' });
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, kiosk1), 429, 'NO_ID_LIMIT');
  });

  it('holds for requests sent together, with or without an Idempotency-Key each', async () => {
    const kiosk3 = (await h.device('kiosk-3', 'kiosk')).token;
    const send = (i: number) =>
      fetch(`${h.running.url}${V1}/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${kiosk3}`,
          'content-type': 'application/json',
          ...(i % 2 ? { 'idempotency-key': `together-${i}` } : {}),
        },
        body: JSON.stringify({ serviceId: 'payment' }),
      }).then((r) => r.status);
    // A slow disk (an SD card's fsync): every request is checked while the first ones still wait for their commit.
    const hall = h.running.hall;
    const submit = hall.submit.bind(hall);
    hall.submit = (async (...args: Parameters<typeof submit>) => {
      await new Promise((r) => setTimeout(r, 50));
      return submit(...args);
    }) as typeof hall.submit;
    let statuses: number[];
    try {
      statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)));
    } finally {
      hall.submit = submit;
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14);
  });

  it('does not count a number that was refused for another reason', async () => {
    clock.now += 60_000;
    for (let i = 0; i < 10; i++)
      expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'no-such' }, kiosk2), 404, 'UNKNOWN_SERVICE');
    for (let i = 0; i < 6; i++) await issue(h, kiosk2, { serviceId: 'query' });
  });
});

describe('a hall with the limit off (kioskTicketsWithoutIdPerMinute: 0)', () => {
  it('issues without an ID as often as asked', async () => {
    const open = await startTestHall({ clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
    try {
      const kiosk = (await open.device('kiosk-1', 'kiosk')).token;
      for (let i = 0; i < 10; i++) await issue(open, kiosk, { serviceId: 'query' });
    } finally {
      await open.stop();
    }
  });
});
