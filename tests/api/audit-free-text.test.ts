/** Text made safe where it enters (issue 14): invisible reasons are no reasons, odd logins are logged cleanly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEventPayload } from '../../devices/protocol/mqtt-schemas.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, auditVerify, expectError, issue, V1 } from './support.js';

describe('free text entering the hall', () => {
  let h: TestHall;
  let staff: string;
  beforeAll(async () => {
    h = await startTestHall();
    staff = await h.staffAt('7');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a reason made only of invisible characters is no reason', async () => {
    const t = await issue(h, h.managerToken, { serviceId: 'query' });
    for (const reason of ['\u200b', '\u200b\u200c\u200d\ufeff', ' \u2060 ', '\u202e'])
      expectError(
        await h.api('POST', `${V1}/counters/7/call`, { ticketId: t.id, reason, category: 'other' }, staff),
        400,
        'REASON_REQUIRED',
      );
    expectError(
      await h.api('POST', `${V1}/counters/7/pause`, { reason: '\u200b\u00ad' }, staff),
      400,
      'REASON_REQUIRED',
    );
  });

  it('a failed login with a lone surrogate is answered 401 and logged as well-formed text; the chain verifies', async () => {
    for (const username of ['\ud800', 'x\udfffy'])
      expectError(await h.api('POST', `${V1}/auth/login`, { username, password: 'x' }), 401, 'INVALID_CREDENTIALS');
    const logins = (await auditAll(h, 'type=auth.login')).filter((e) => !e.data.ok);
    expect(logins.map((e) => e.actor)).toEqual(['user:?\ufffd', 'user:?x\ufffdy']);
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });

  it('a NUL in a login is refused before anything is decided or logged', async () => {
    const before = (await auditAll(h, 'type=auth.login')).length;
    for (const username of ['\u0000', 'a\u0000b'])
      expectError(await h.api('POST', `${V1}/auth/login`, { username, password: 'x' }), 400, 'VALIDATION_FAILED');
    expect((await auditAll(h, 'type=auth.login')).length).toBe(before);
  });

  it('MQTT payloads: lone surrogates replaced, control characters refused, before the schema', () => {
    expect(parseEventPayload('status', '{"id":"e1","paper":"ok","cover":"closed","error":"jam\\ud800"}')).toEqual({
      ok: true,
      value: { id: 'e1', paper: 'ok', cover: 'closed', error: 'jam\ufffd' },
    });
    expect(parseEventPayload('status', '{"id":"e1","paper":"ok","cover":"closed","error":"jam\\u0000"}')).toMatchObject(
      { ok: false, error: expect.stringMatching(/^error: control/) },
    );
    expect(parseEventPayload('status', '{"id":"e1","paper":"ok","cover":"closed","\\u0007":1}')).toMatchObject({
      ok: false,
    });
  });
});
