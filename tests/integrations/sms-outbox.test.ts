/**
 * The SMS outbox against its msw stand-in: durable across restarts, once per key, limits, 4xx dropped and audited,
 * `turn-near` from the queues and reminders the day before; the number never in clear at rest.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SmsStandIn } from '../../scripts/lib/integrations-sim/sms-standin.js';
import { renderSms, type SmsOutbox, type SmsRequests } from '../../server/features/integrations/index.js';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectOk, issue, serveNext, manualClock, MONDAY_10, V1 } from '../api/support.js';

const PHONE = '13800138000';
const clock = manualClock(MONDAY_10);
const gateway = new SmsStandIn('http://sms.test/v1');
const server = setupServer(...gateway.handlers());
const smsEnv = {
  SMS_URL: 'http://sms.test/v1',
  SMS_TOKEN: 'sms-token',
  SMS_PER_MINUTE: '5',
  SMS_PER_NUMBER_PER_HOUR: '3',
  INTEGRATION_TIMEOUT_SECONDS: '0.3',
};
let h: TestHall | undefined;
let dataDir = '';

beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());
afterEach(async () => {
  await h?.stop();
  h = undefined;
  rmSync(dataDir, { recursive: true, force: true });
  gateway.received.length = 0;
  gateway.mode = 'up';
  clock.set(MONDAY_10);
});

async function hall() {
  const t = await startTestHall({ clock: clock.clock, dataDir, env: smsEnv });
  const outbox = t.running.features.find((f) => f.name === 'sms-outbox') as SmsOutbox;
  const requests = t.running.features.find((f) => f.name === 'sms-requests') as SmsRequests;
  await outbox.drainNow();
  return { t, outbox, requests };
}

/** Tickets with a phone each (one number each unless `samePhone`), asked to be texted once each. */
async function textTickets(t: TestHall, n: number, samePhone = false): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    // The first as people write it: the gateway gets its 11 digits.
    const phone = samePhone ? PHONE : i === 0 ? '+86 139-0000-1000' : `1390000${String(1000 + i)}`;
    const ticket = await issue(t, t.managerToken, { serviceId: 'query', phone });
    const key = `test:${ticket.id}`;
    t.running.hall.bus.emit('sms.request', {
      to: { ticketId: ticket.id },
      template: 'playbook-notify',
      params: { text: '大厅通知' },
      key,
    });
    keys.push(key);
  }
  return keys;
}

describe('SMS outbox', () => {
  it('keeps messages to an unreachable gateway and sends them after a restart, once each', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sms-'));
    let s = await hall();
    h = s.t;
    gateway.mode = 'unreachable';
    const keys = await textTickets(h, 3);
    await s.outbox.drainNow();
    const down = (await h.api('GET', `${V1}/integrations`, undefined, h.managerToken)).body.sms;
    expect(down).toMatchObject({ configured: true, ok: false, backlog: 3 });
    expect(down.lastError).toMatch(/unreachable/);
    await h.stop();
    // At rest the number is sealed: neither the outbox nor anything else in the database holds it in clear.
    const db = new Database(join(dataDir, 'hallq.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT * FROM sms_outbox').all();
    db.close();
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toContain('1390000');
    expect(readFileSync(join(dataDir, 'hallq.sqlite')).includes('13900001000')).toBe(false);

    gateway.mode = 'up';
    s = await hall();
    h = s.t;
    await s.outbox.drainNow();
    await s.outbox.drainNow();
    expect(gateway.received.map((m) => m.key).sort()).toEqual([...keys].sort());
    expect(gateway.received[0]).toMatchObject({
      template: 'playbook-notify',
      params: { hall: h.running.hall.site.name },
    });
    expect(gateway.received.map((m) => m.to).sort()).toEqual(['13900001000', '13900001001', '13900001002']);
    expect((await h.api('GET', `${V1}/integrations`, undefined, h.managerToken)).body.sms).toMatchObject({
      ok: true,
      backlog: 0,
    });
  });

  it('retries a 5xx with backoff, drops a 4xx for good and audits it, the same key only once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sms-'));
    const s = await hall();
    h = s.t;
    gateway.mode = 'error-5xx';
    const [first] = await textTickets(h, 1);
    await s.outbox.drainNow();
    expect(gateway.received).toHaveLength(0);
    gateway.mode = 'up';
    await s.outbox.drainNow();
    expect(gateway.received).toHaveLength(0); // not due yet: the backoff holds it
    clock.advance(1);
    await s.outbox.drainNow();
    expect(gateway.received.map((m) => m.key)).toEqual([first]);
    // The same request again is the same message: not sent again.
    const ticketId = first.slice('test:'.length);
    h.running.hall.bus.emit('sms.request', { to: { ticketId }, template: 'playbook-notify', params: {}, key: first });
    await s.outbox.drainNow();
    expect(gateway.received).toHaveLength(1);

    gateway.mode = 'refuse-4xx';
    const [refused] = await textTickets(h, 1);
    await s.outbox.drainNow();
    gateway.mode = 'up';
    clock.advance(60);
    await s.outbox.drainNow();
    expect(gateway.received.map((m) => m.key)).toEqual([first]);
    const dropped = await auditAll(h, 'type=integration.message_dropped');
    expect(dropped.map((e) => e.data)).toEqual([{ system: 'sms', key: refused, status: 400, reason: 'HTTP 400' }]);
    expect(JSON.stringify(dropped)).not.toContain('1390000');
  });

  it('holds to the hall-wide and the per-number limits without holding up other numbers', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sms-'));
    const s = await hall();
    h = s.t;
    const same = await textTickets(h, 4, true);
    const others = await textTickets(h, 4);
    await s.outbox.drainNow();
    // Five a minute in all, at most three an hour to one number; the fourth to that number waits, others go on.
    expect(gateway.received).toHaveLength(5);
    expect(gateway.received.filter((m) => m.to === PHONE)).toHaveLength(3);
    clock.advance(1);
    await s.outbox.drainNow();
    expect(gateway.received.map((m) => m.key).sort()).toEqual([...same.slice(0, 3), ...others].sort());
    clock.advance(60);
    await s.outbox.drainNow();
    expect(gateway.received.map((m) => m.key)).toContain(same[3]);
  });

  it('texts turn-near once when policy.smsAhead people are left before a ticket', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sms-'));
    const s = await hall();
    h = s.t;
    const staff = await h.staffAt('7');
    const smsAhead = h.running.hall.hallFile.policy.smsAhead;
    const tickets = [];
    for (let i = 0; i < smsAhead + 3; i++)
      tickets.push(await issue(h, h.managerToken, { serviceId: 'query', phone: `1370000${1000 + i}` }));
    await s.outbox.drainNow();
    expect(gateway.received).toHaveLength(0); // taken with few ahead: no text for those
    await serveNext(h, '7', staff);
    await s.outbox.drainNow();
    const last = tickets.at(-1);
    const nearKeys = gateway.received.map((m) => m.key);
    expect(nearKeys).toContain(`turn-near:${tickets[smsAhead + 1].id}`);
    expect(gateway.received.find((m) => m.key === `turn-near:${tickets[smsAhead + 1].id}`)?.params).toMatchObject({
      ahead: smsAhead,
      number: tickets[smsAhead + 1].number,
    });
    expect(nearKeys).not.toContain(`turn-near:${last.id}`);
    await serveNext(h, '7', staff);
    await s.outbox.drainNow();
    expect(gateway.received.filter((m) => m.key === `turn-near:${last.id}`)).toHaveLength(1);
    await serveNext(h, '7', staff);
    await s.outbox.drainNow();
    expect(new Set(gateway.received.map((m) => m.key)).size).toBe(gateway.received.length);
  });

  it('texts nobody after a restart who was already that close before it', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sms-'));
    let s = await hall();
    h = s.t;
    const smsAhead = h.running.hall.hallFile.policy.smsAhead;
    for (let i = 0; i < smsAhead + 2; i++)
      await issue(h, h.managerToken, { serviceId: 'query', phone: `1370000${2000 + i}` });
    await h.stop();
    s = await hall();
    h = s.t;
    const staff = await h.staffAt('7');
    await serveNext(h, '7', staff);
    await s.outbox.drainNow();
    // Only the one the call moved into range: those taken close were never to be texted.
    expect(gateway.received.map((m) => m.params.ahead)).toEqual([smsAhead]);
  });

  it('reminds tomorrow’s booked appointments with a phone, once each', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sms-'));
    const s = await hall();
    h = s.t;
    const book = async (day: string, serial: number, phone?: string) => {
      const r = await h!.api(
        'POST',
        `${V1}/appointments`,
        {
          serviceId: 'one-window',
          slotStart: `${day}T09:00:00+08:00`,
          slotEnd: `${day}T09:20:00+08:00`,
          idNumber: makeIdNumber('19800101', serial),
          ...(phone ? { phone } : {}),
        },
        h!.managerToken,
      );
      expectOk(r, 201);
      return r.body.appointment;
    };
    const tomorrow = await book('2026-03-03', 1, '13600001111');
    await book('2026-03-03', 2);
    await book('2026-03-04', 3, '13600002222');
    expect(s.requests.reminders.remindTomorrow()).toBe(1);
    expect(s.requests.reminders.remindTomorrow()).toBe(1);
    await s.outbox.drainNow();
    expect(gateway.received).toEqual([
      {
        to: '13600001111',
        template: 'appointment-reminder',
        key: expect.stringContaining(tomorrow.id),
        params: {
          date: '3月3日',
          time: '09:00',
          service: expect.any(String),
          code: tomorrow.code,
          hall: expect.any(String),
        },
      },
    ]);
    expect(renderSms('appointment-reminder', gateway.received[0].params)).toContain('3月3日 09:00');
  });

  it('texts a pre-review applicant the result once it is answered', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sms-'));
    const s = await hall();
    h = s.t;
    const submitted = await h.api(
      'POST',
      `${V1}/prereviews`,
      { serviceId: 'one-window', reference: 'WS-2026-0001', phone: '13700003333' },
      h.managerToken,
    );
    expectOk(submitted, 201);
    expectOk(
      await h.api(
        'POST',
        `${V1}/prereviews/${submitted.body.prereview.id}/answer`,
        { result: 'approved' },
        h.managerToken,
      ),
    );
    await s.outbox.drainNow();
    expect(gateway.received).toEqual([expect.objectContaining({ to: '13700003333', template: 'prereview-result' })]);
  });
});
