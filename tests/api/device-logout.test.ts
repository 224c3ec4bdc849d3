/** A device's logout revokes its token (it used to be a no-op): the token stops working at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, V1 } from './support.js';

let h: TestHall;

beforeAll(async () => {
  h = await startTestHall();
});

afterAll(async () => {
  await h?.stop();
});

describe('device logout', () => {
  it('revokes the device token, and leaves other devices alone', async () => {
    const kiosk = (await h.device('kiosk-out', 'kiosk')).token;
    const other = (await h.device('kiosk-stays', 'kiosk')).token;
    expect((await h.api('GET', `${V1}/auth/me`, undefined, kiosk)).status).toBe(200);
    expect(await h.api('POST', `${V1}/auth/logout`, {}, kiosk)).toEqual({ status: 200, body: { ok: true } });
    expectError(await h.api('GET', `${V1}/auth/me`, undefined, kiosk), 401, 'UNAUTHORIZED');
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 401, 'UNAUTHORIZED');
    expect((await h.api('GET', `${V1}/auth/me`, undefined, other)).status).toBe(200);
  });
});
