/** Online pre-review (网上预审, R12): the consult counter's queue, its 24-hour clock and the result by SMS. */
import { renderSms } from '../../server/features/integrations/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, expectNoneOf, expectOk, manualClock, newStaffAt, renewManagerToken, V1 } from './support.js';

describe('online pre-review', () => {
  const clock = manualClock('2026-11-30T09:00:00+08:00');
  let h: TestHall;
  let integration: string;
  const sms: any[] = [];

  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    integration = (await h.device('platform', 'integration')).token;
    h.running.hall.bus.on('sms.request', (m) => sms.push(m));
  });
  afterAll(async () => {
    await h?.stop();
  });

  const alertsOf = async () => (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts;

  it('is submitted by the platform with a 24-hour clock; the phone is only ever shown masked', async () => {
    const r = await h.api(
      'POST',
      `${V1}/prereviews`,
      { serviceId: 'one-window', reference: 'WS-2026-0001', phone: '13812345678' },
      integration,
    );
    expectOk(r, 201);
    expect(r.body.prereview).toMatchObject({
      reference: 'WS-2026-0001',
      dueAt: '2026-12-01T01:00:00.000Z',
      minutesLeft: 24 * 60,
      clock: 'ok',
      phoneMasked: expect.stringContaining('*'),
    });
    expectNoneOf(r.body, ['13812345678']);
    expectError(
      await h.api('POST', `${V1}/prereviews`, { serviceId: 'one-window', reference: 'WS-2026-0001' }, integration),
      409,
      'PREREVIEW_EXISTS',
    );
    expectError(
      await h.api('POST', `${V1}/prereviews`, { serviceId: 'nope', reference: 'WS-2026-0002' }, integration),
      404,
      'UNKNOWN_SERVICE',
    );
    expectError(
      await h.api(
        'POST',
        `${V1}/prereviews`,
        { serviceId: 'one-window', reference: 'x', phone: 'call me' },
        integration,
      ),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('is warned about in its last four hours, and when it runs out', async () => {
    clock.set('2026-12-01T04:59:00+08:00'); // 20 h 1 min in
    await renewManagerToken(h);
    expect((await alertsOf()).some((a: any) => a.kind?.startsWith('prereview.'))).toBe(false);
    clock.set('2026-12-01T05:00:00+08:00'); // four hours left
    expect(await alertsOf()).toContainEqual(
      expect.objectContaining({ kind: 'prereview.due_soon', severity: 'warning' }),
    );
    clock.set('2026-12-01T09:00:00+08:00'); // 24 hours
    const alerts = await alertsOf();
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'prereview.overdue', severity: 'critical' }));
    expectNoneOf(alerts, ['13812345678']);
    const queue = await h.api('GET', `${V1}/prereviews`, undefined, h.managerToken);
    expect(queue.body.prereviews).toEqual([expect.objectContaining({ reference: 'WS-2026-0001', clock: 'overdue' })]);
  });

  it('the consult counter answers once; the result goes to the applicant as a prereview-result SMS request', async () => {
    const staff = await newStaffAt(h, '10', 'consult');
    const id = (await h.api('GET', `${V1}/prereviews`, undefined, staff)).body.prereviews[0].id;
    const r = await h.api(
      'POST',
      `${V1}/prereviews/${id}/answer`,
      { result: 'more-materials', note: '缺完税凭证' },
      staff,
    );
    expectOk(r);
    expect(r.body.prereview).toMatchObject({ result: 'more-materials', clock: null });
    expect(sms).toEqual([
      {
        to: { prereviewId: id },
        template: 'prereview-result',
        params: { reference: 'WS-2026-0001', result: 'more-materials', resultText: '需补充材料，请登录查看' },
        key: `prereview-result:${id}`,
      },
    ]);
    expect(renderSms('prereview-result', { ...sms[0].params, hall: '大厅' })).toBe(
      '【大厅】您的网上预审WS-2026-0001结果：需补充材料，请登录查看。',
    );
    expectError(
      await h.api('POST', `${V1}/prereviews/${id}/answer`, { result: 'approved' }, staff),
      409,
      'PREREVIEW_ANSWERED',
    );
    expectError(
      await h.api('POST', `${V1}/prereviews/pr_x/answer`, { result: 'approved' }, staff),
      404,
      'UNKNOWN_PREREVIEW',
    );
    expectError(
      await h.api('POST', `${V1}/prereviews/${id}/answer`, { result: 'maybe' }, staff),
      400,
      'VALIDATION_FAILED',
    );
    expect((await h.api('GET', `${V1}/prereviews`, undefined, staff)).body.prereviews).toEqual([]);
    expect((await alertsOf()).some((a: any) => a.kind?.startsWith('prereview.'))).toBe(false);
    expect(sms).toHaveLength(1);
  });

  it('without a phone, an answer asks for no SMS', async () => {
    const r = await h.api(
      'POST',
      `${V1}/prereviews`,
      { serviceId: 'mortgage', reference: 'WS-2026-0003' },
      integration,
    );
    await h.api('POST', `${V1}/prereviews/${r.body.prereview.id}/answer`, { result: 'approved' }, h.managerToken);
    expect(sms).toHaveLength(1);
  });
});
