/** Free text people type: a reason must show something; ID and mobile numbers are masked before they are stored. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, expectNoneOf, expectOk, issue, manualClock, MONDAY_10, V1 } from './support.js';

const clock = manualClock(MONDAY_10);
let h: TestHall;
let kiosk: string;
let staff: string;
const ID = makeIdNumber('19820304', 301);
const MOBILE = '13912345678';

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
  kiosk = (await h.device('kiosk-1', 'kiosk')).token;
  staff = await h.staffAt('1', 'zhang');
});
afterAll(async () => {
  await h?.stop();
});

const counter = (action: string, body: unknown) => h.api('POST', `${V1}/counters/1/${action}`, body, staff);

describe('reasons', () => {
  it.each(['\u200b', '\u200b\u200c\u200d\ufeff', '\u2060 \u3000', '\u202e\u2066', '\u0301', '\u3164'])(
    'refuses a reason with nothing visible in it (%j)',
    async (invisible) => {
      const t = await issue(h, kiosk, { serviceId: 'one-window' });
      expectError(await counter('call', { ticketId: t.id, reason: invisible }), 400, 'REASON_REQUIRED');
      expectError(await counter('pause', { reason: invisible }), 400, 'REASON_REQUIRED');
      expectError(
        await h.api(
          'POST',
          `${V1}/tickets`,
          { serviceId: 'one-window', priority: 'priority', priorityReason: invisible },
          kiosk,
        ),
        400,
        'PRIORITY_REASON_REQUIRED',
      );
    },
  );

  it('takes a reason with something visible in it, without the invisible characters', async () => {
    // Staff's own words (a kiosk gives a code).
    const t = await issue(h, staff, { serviceId: 'one-window', priority: 'priority', priorityReason: '\u200b孕妇' });
    expect(t.priorityReason).toBe('孕妇');
  });
});

describe('ID and mobile numbers in free text', () => {
  it('are masked in every free-text field before they are stored', async () => {
    const prio = await issue(h, staff, {
      serviceId: 'one-window',
      priority: 'priority',
      priorityReason: `残疾证 ${ID}`,
    });
    expect(prio.priorityReason).toBe(`残疾证 ${ID[0]}${'*'.repeat(16)}${ID[17]}`);
    expectOk(await counter('call', { ticketId: prio.id, reason: `家属电话${MOBILE}` }));
    expectOk(await counter('start', {}));
    expectOk(await counter('finish', {}));
    const rated = await h.api(
      'POST',
      `${V1}/evaluations`,
      { ticketId: prio.id, score: 1, comment: `回电 ${MOBILE}` },
      kiosk,
    );
    expectOk(rated, 201);
    expectOk(
      await h.api(
        'POST',
        `${V1}/followups/${rated.body.followUpId}/answer`,
        { answer: `已致电 ${MOBILE}` },
        h.managerToken,
      ),
    );
    expectOk(await counter('pause', { reason: `找我 ${MOBILE}` }));
    expectOk(
      await h.api('POST', `${V1}/emergency/activate`, { playbookId: 'surge', note: `报告人 ${ID}` }, h.managerToken),
    );

    const everything = JSON.stringify([
      await h.api('GET', `${V1}/hall`, undefined, staff),
      await h.api('GET', `${V1}/tickets`, undefined, staff),
      await h.api('GET', `${V1}/followups`, undefined, h.managerToken),
      await h.api('GET', `${V1}/emergency`, undefined, h.managerToken),
      await auditAll(h),
      h.running.db.prepare('SELECT data FROM events').pluck().all(),
    ]);
    expectNoneOf(everything, [ID, MOBILE]);
    expect(everything).toContain('139****5678');
  });
});

describe('GET /counters', () => {
  it('carries staff names only with a token, like GET /hall', async () => {
    const open = await h.api('GET', `${V1}/counters`);
    expect(open.body.counters.find((c: any) => c.id === '1').staffName).toBeNull();
    expectNoneOf(open.body, ['员工1']);
    const withToken = await h.api('GET', `${V1}/counters`, undefined, kiosk);
    expect(withToken.body.counters.find((c: any) => c.id === '1').staffName).toBe('员工1');
  });
});
