/** Bad input never changes state and never crashes the server: size limit, broken JSON, wrong shapes, odd paths. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditVerify, expectError, expectOk, issue, manualClock, MONDAY_10, V1, waitingCounts } from './support.js';

describe('input hardening', () => {
  let h: TestHall;
  let kiosk: string;
  let pad: string;
  let staff: string;
  beforeAll(async () => {
    h = await startTestHall({ clock: manualClock(MONDAY_10).clock }); // a fixed instant: no day change mid-test
    kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    pad = (await h.device('pad-1', 'pad', { counterId: '1' })).token;
    staff = await h.staffAt('1');
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function rawPost(
    path: string,
    body: BodyInit,
    headers: Record<string, string> = {},
    init: Record<string, unknown> = {},
  ) {
    const res = await fetch(h.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      ...init,
    } as RequestInit);
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }

  it('refuses bodies over 64 KB with 413 PAYLOAD_TOO_LARGE, and changes nothing', async () => {
    expect((await issue(h, kiosk, { serviceId: 'one-window' })).number).toBe('A001');
    const counts = await waitingCounts(h);
    const before = await auditVerify(h);
    const big = JSON.stringify({
      serviceId: 'one-window',
      priority: 'priority',
      priorityReason: 'x'.repeat(70 * 1024),
    });
    expectError(await h.api('POST', `${V1}/tickets`, big, kiosk), 413, 'PAYLOAD_TOO_LARGE');
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'p'.repeat(65 * 1024) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectError(
      await h.api('POST', `${V1}/counters/1/pause`, { reason: 'r'.repeat(65 * 1024) }, staff),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    // Just over the limit, and streamed without a content-length.
    const justOver = JSON.stringify({ serviceId: 'one-window', pad: 'y'.repeat(64 * 1024) });
    expectError(await h.api('POST', `${V1}/tickets`, justOver, kiosk), 413, 'PAYLOAD_TOO_LARGE');
    const chunks = [
      new TextEncoder().encode('{"serviceId":"one-window","pad":"'),
      new TextEncoder().encode('z'.repeat(80 * 1024)),
      new TextEncoder().encode('"}'),
    ];
    const stream = new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
    const streamed = await rawPost(
      `${V1}/tickets`,
      stream as unknown as BodyInit,
      { authorization: `Bearer ${kiosk}` },
      { duplex: 'half' },
    );
    expect(streamed.status).toBe(413);
    expect(streamed.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    // A body just under the limit is fine.
    const under = JSON.stringify({ serviceId: 'one-window', pad: 'y'.repeat(60 * 1024) });
    const ok = await h.api('POST', `${V1}/tickets`, under, kiosk);
    expect(ok.status).toBe(201);
    expect(ok.body.ticket.number).toBe('A002');
    expect(await waitingCounts(h)).toEqual({ ...counts, 'one-window': counts['one-window'] + 1 });
    expect(await auditVerify(h)).toMatchObject({ ok: true, entries: before.entries + 2 });
  });

  it('a client that goes away halfway through a body leaves nothing behind and the next request is served', async () => {
    const counts = await waitingCounts(h);
    const { connect } = await import('node:net');
    const url = new URL(h.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
        socket.write(
          `POST ${V1}/tickets HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${kiosk}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"serviceId":"one-',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });
    expect((await h.api('GET', '/healthz')).status).toBe(200);
    expect(await waitingCounts(h)).toEqual(counts);
  });

  it('answers malformed JSON with 400 INVALID_JSON on every route that reads a body', async () => {
    const cases: Array<[string, string | undefined]> = [
      [`${V1}/auth/login`, undefined],
      [`${V1}/tickets`, kiosk],
      [`${V1}/counters/1/call-next`, staff],
      [`${V1}/counters/1/call`, staff],
      [`${V1}/counters/1/transfer`, staff],
      [`${V1}/appointments`, h.managerToken],
      [`${V1}/appointments/check-in`, kiosk],
      [`${V1}/evaluations`, pad],
      [`${V1}/emergency/activate`, h.managerToken],
      [`${V1}/emergency/deactivate`, h.managerToken],
      [`${V1}/staff`, h.managerToken],
      [`${V1}/devices`, h.managerToken],
    ];
    for (const bad of [
      '{',
      '{"serviceId":',
      "{'serviceId':'one-window'}",
      '{"a":1,}',
      'undefined',
      '\u0000',
      '{"a":"\\x"}',
    ])
      for (const [path, token] of cases) expectError(await h.api('POST', path, bad, token), 400, 'INVALID_JSON');
  });

  it('answers JSON of the wrong shape with 400 VALIDATION_FAILED', async () => {
    for (const body of ['null', '42', '"one-window"', '[]', '[{"serviceId":"one-window"}]', 'true'])
      expectError(await h.api('POST', `${V1}/tickets`, body, kiosk), 400, 'VALIDATION_FAILED');
    const shapes: Array<Record<string, unknown>> = [
      { serviceId: null },
      { serviceId: ['one-window'] },
      { serviceId: { $ne: null } },
      { serviceId: '../one-window' },
      { serviceId: 'one-window', idNumber: 1.1e17 },
      { serviceId: 'one-window', idNumber: '1'.repeat(33) },
      { serviceId: 'one-window', priority: null },
      { serviceId: 'one-window', priority: 'priority', priorityReason: 'r'.repeat(65) },
      { serviceId: 'one-window', phone: 13812345678 },
      { serviceId: 'one-window', phone: '1'.repeat(30) },
    ];
    for (const body of shapes) expectError(await h.api('POST', `${V1}/tickets`, body, kiosk), 400, 'VALIDATION_FAILED');
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    expectError(await h.api('POST', `${V1}/tickets`, deep, kiosk), 400, 'VALIDATION_FAILED');
  });

  it('ignores unknown fields and prototype tricks', async () => {
    const t = await h.api(
      'POST',
      `${V1}/tickets`,
      '{"serviceId":"consult","__proto__":{"priority":"green"},"constructor":{"prototype":{"x":1}},"status":"done","number":"Z999"}',
      kiosk,
    );
    expect(t.status).toBe(201);
    expect(t.body.ticket).toMatchObject({ number: 'G001', priority: 'normal', status: 'waiting' });
    expect(({} as any).priority).toBeUndefined();
    expect(({} as any).x).toBeUndefined();
  });

  it('cleans free text: line breaks and tabs become spaces, invisible characters go, text is trimmed', async () => {
    const r = await h.api('POST', `${V1}/counters/1/pause`, { reason: '  午休\t\u200b\u202e稍候\r\n' }, staff);
    expect(r.status).toBe(200);
    expect(r.body.counter.pauseReason).toBe('午休 稍候');
    expectOk(await h.api('POST', `${V1}/counters/1/resume`, {}, staff));
  });

  it('refuses NUL and other control characters in any field, and changes nothing', async () => {
    const before = await waitingCounts(h);
    expectError(
      await h.api('POST', `${V1}/counters/1/pause`, { reason: '午休\u0000' }, staff),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api('POST', `${V1}/tickets`, { serviceId: 'consult', priorityReason: '\u001b[31m' }, kiosk),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'a\u0000b', password: 'x' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await waitingCounts(h)).toEqual(before);
  });

  it('answers odd paths, ids and methods without crashing', async () => {
    expectError(await h.api('GET', `${V1}/nowhere`), 404, 'NOT_FOUND');
    expectError(await h.api('GET', '/api/v2/hall'), 404, 'NOT_FOUND');
    expectError(await h.api('PUT', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 404, 'NOT_FOUND');
    expectError(await h.api('GET', `${V1}/tickets/x/cancel`, undefined, kiosk), 404, 'NOT_FOUND');
    for (const id of ['%00', '..%2F..%2Fetc%2Fpasswd', '%E4%BD%A0%E5%A5%BD', "1'%20OR%20'1'%3D'1", 'a'.repeat(81)]) {
      const r = await h.api('GET', `${V1}/tickets/${id}`);
      expect([400, 404]).toContain(r.status);
      expect(r.body.error.code).toMatch(/^(VALIDATION_FAILED|UNKNOWN_TICKET|NOT_FOUND)$/);
      const c = await h.api('POST', `${V1}/counters/${id}/call-next`, {}, h.managerToken);
      expect([400, 404]).toContain(c.status);
    }
    expectError(
      await h.api('GET', `${V1}/tickets?status=waiting&serviceId=${'x'.repeat(100)}`, undefined, staff),
      400,
      'VALIDATION_FAILED',
    );
    const longAuth = await fetch(`${h.url}${V1}/auth/me`, { headers: { authorization: `Bearer ${'a'.repeat(4000)}` } });
    expect(longAuth.status).toBe(401);
  });

  it('an ID number is checked, not just its shape', async () => {
    const good = makeIdNumber('19900101', 5);
    for (const bad of [
      good.replace(/.$/, (c) => (c === '1' ? '2' : '1')),
      good.slice(0, 6) + '19900001' + good.slice(14),
      '0'.repeat(18),
      '１１０１０５１９９００１０１００５Ｘ',
    ])
      expectError(
        await h.api('POST', `${V1}/tickets`, { serviceId: 'query', idNumber: bad }, kiosk),
        400,
        'INVALID_ID_NUMBER',
      );
    expect((await issue(h, kiosk, { serviceId: 'query', idNumber: good })).number).toBe('D001');
  });

  it('after all of that the hall is healthy, its numbers unbroken and its chain intact', async () => {
    expect(await h.api('GET', '/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect((await issue(h, kiosk, { serviceId: 'one-window' })).number).toBe('A003');
    expect(await waitingCounts(h)).toMatchObject({ 'one-window': 3, consult: 1, query: 1, mortgage: 0 });
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });
});
