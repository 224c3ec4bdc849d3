/** Disabling a staff member also takes them off the counters they hold, without losing a ticket in hand. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectOk, manualClock, MONDAY_10, V1 } from './support.js';

const clock = manualClock(MONDAY_10);
let h: TestHall;
beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
});
afterAll(async () => {
  await h?.stop();
});
const me = (token: string) => h.api('GET', `${V1}/auth/me`, undefined, token);

describe('a disabled staff member leaves their counter', () => {
  const counterOf = async (id: string) =>
    (await h.api('GET', `${V1}/hall`)).body.counters.find((c: { id: string }) => c.id === id);
  const userIdOf = async (token: string) => (await me(token)).body.id as string;

  it('closes an idle counter, and pauses one with a ticket in hand so a colleague can finish it', async () => {
    const idle = await h.staffAt('1', 'idle-clerk');
    const busy = await h.staffAt('2', 'busy-clerk');
    expectOk(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, h.managerToken), 201);
    const called = await h.api('POST', `${V1}/counters/2/call-next`, {}, busy);
    expectOk(called);

    expectOk(await h.api('POST', `${V1}/staff/${await userIdOf(idle)}/disable`, {}, h.managerToken));
    expect(await counterOf('1')).toMatchObject({ status: 'closed' });
    expect((await counterOf('1')).staffName ?? null).toBeNull();

    expectOk(await h.api('POST', `${V1}/staff/${await userIdOf(busy)}/disable`, {}, h.managerToken));
    expect(await counterOf('2')).toMatchObject({ status: 'paused', current: called.body.ticket.number });
    expect((await counterOf('2')).staffName ?? null).toBeNull();
    expect((await h.api('GET', `${V1}/tickets/${called.body.ticket.id}`)).body.ticket.status).toBe('called');

    const colleague = await h.staffAt('2', 'colleague');
    expectOk(await h.api('POST', `${V1}/counters/2/resume`, {}, colleague));
    expectOk(await h.api('POST', `${V1}/counters/2/finish`, {}, colleague));
    expect((await h.api('GET', `${V1}/tickets/${called.body.ticket.id}`)).body.ticket.status).toBe('done');
  });
});
