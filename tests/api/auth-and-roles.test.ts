/** Login, tokens, staff accounts, and the role check on every protected route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, expectOk, issue, manualClock, MONDAY_10, V1 } from './support.js';

type Role = 'manager' | 'counter' | 'kiosk' | 'display' | 'pad' | 'integration' | 'device';

const clock = manualClock(MONDAY_10);
let h: TestHall;
let tokens: Record<Role, string>;

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
  tokens = {
    manager: h.managerToken,
    counter: await h.staffAt('1', 'alice'),
    kiosk: (await h.device('kiosk-1', 'kiosk')).token,
    display: (await h.device('board-1', 'display')).token,
    pad: (await h.device('pad-1', 'pad', { counterId: '1' })).token,
    integration: (await h.device('booking-1', 'integration')).token,
    device: (await h.device('printer-1', 'printer', { kioskId: 'kiosk-1' })).token,
  };
});
afterAll(async () => {
  await h?.stop();
});

// The role check of every route (401 / 403 / admitted, generated from the app's route table) lives in
// route-roles.test.ts, in memory; this file keeps what needs the real server: login, tokens, staff, sign-in.
describe('role checks with the contract codes', () => {
  it('refuses specific wrong roles with the contract codes', async () => {
    // A display may not take numbers; a kiosk may not act for a counter; a kiosk may not issue green.
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, tokens.display), 403, 'FORBIDDEN');
    expectError(await h.api('POST', `${V1}/counters/1/call-next`, {}, tokens.kiosk), 403, 'FORBIDDEN');
    expectError(
      await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window', priority: 'green' }, tokens.kiosk),
      403,
      'GREEN_LANE_STAFF_ONLY',
    );
    // A printer's token carries the generic device role.
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, tokens.device), 403, 'FORBIDDEN');
    // Counter staff cannot register devices or read the audit log.
    expectError(await h.api('GET', `${V1}/audit`, undefined, tokens.counter), 403, 'FORBIDDEN');
  });
});

describe('login', () => {
  it('returns token, role and user, never a password hash', async () => {
    const r = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ role: 'manager', user: { username: 'boss', role: 'manager' } });
    expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
    expect(typeof r.body.user.id).toBe('string');
    expect(JSON.stringify(r.body)).not.toMatch(/scrypt|password/i);
    const me = await h.api('GET', `${V1}/auth/me`, undefined, r.body.token);
    expect(me.body).toMatchObject({ id: r.body.user.id, kind: 'user', role: 'manager', counterId: null });
  });

  it('refuses a wrong password and an unknown user with 401 INVALID_CREDENTIALS', async () => {
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'wrong-password' }),
      401,
      'INVALID_CREDENTIALS',
    );
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'nobody', password: 'whatever1' }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('refuses malformed login bodies with 400', async () => {
    expectError(await h.api('POST', `${V1}/auth/login`, { username: 'boss' }), 400, 'VALIDATION_FAILED');
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 12345678 }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await h.api('POST', `${V1}/auth/login`, '{"username":"boss",'), 400, 'INVALID_JSON');
  });

  it('slows password guessing: the sixth try within a minute is 429 TOO_MANY_ATTEMPTS, even with the right password', async () => {
    const created = await h.api(
      'POST',
      `${V1}/staff`,
      { username: 'guessme', password: 'right-password', name: '试', role: 'counter' },
      h.managerToken,
    );
    expect(created.status).toBe(201);
    for (let i = 0; i < 5; i++)
      expectError(
        await h.api('POST', `${V1}/auth/login`, { username: 'guessme', password: `wrong-${i}-xx` }),
        401,
        'INVALID_CREDENTIALS',
      );
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'guessme', password: 'right-password' }),
      429,
      'TOO_MANY_ATTEMPTS',
    );
    // Other users are not affected.
    expect((await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' })).status).toBe(200);
    clock.advance(1.1);
    expect((await h.api('POST', `${V1}/auth/login`, { username: 'guessme', password: 'right-password' })).status).toBe(
      200,
    );
  });

  it('also limits failures per address: 20 wrong logins for any usernames block that address for a minute', async () => {
    for (let i = 0; i < 20; i++)
      expectError(
        await h.api('POST', `${V1}/auth/login`, { username: `nobody-${i}`, password: 'wrong-password' }),
        401,
        'INVALID_CREDENTIALS',
      );
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' }),
      429,
      'TOO_MANY_ATTEMPTS',
    );
    clock.advance(1.1);
    expect((await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' })).status).toBe(200);
  });

  it('logout revokes the token', async () => {
    const login = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
    const token = login.body.token;
    expect(await h.api('POST', `${V1}/auth/logout`, {}, token)).toEqual({ status: 200, body: { ok: true } });
    expectError(await h.api('GET', `${V1}/auth/me`, undefined, token), 401, 'UNAUTHORIZED');
  });

  it('staff tokens expire after the shift (12 h); device tokens do not', async () => {
    const kiosk = (await h.device('kiosk-expiry', 'kiosk')).token;
    const staff = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
    clock.advance(11 * 60);
    expect((await h.api('GET', `${V1}/auth/me`, undefined, staff.body.token)).status).toBe(200);
    clock.advance(61);
    expectError(await h.api('GET', `${V1}/auth/me`, undefined, staff.body.token), 401, 'UNAUTHORIZED');
    expect((await h.api('GET', `${V1}/auth/me`, undefined, kiosk)).body).toMatchObject({
      id: 'kiosk-expiry',
      kind: 'device',
      role: 'kiosk',
    });
    clock.advance(-(11 * 60 + 61));
  });
});

describe('staff accounts', () => {
  it('creates staff (manager) and refuses duplicates and weak input', async () => {
    const r = await h.api(
      'POST',
      `${V1}/staff`,
      { username: 'bob', password: 'bob-password', name: '鲍勃', role: 'counter' },
      h.managerToken,
    );
    expect(r.status).toBe(201);
    expect(r.body.user).toEqual({
      id: expect.any(String),
      username: 'bob',
      name: '鲍勃',
      role: 'counter',
      disabled: false,
      phone: null,
      duties: [],
    });
    expectError(
      await h.api(
        'POST',
        `${V1}/staff`,
        { username: 'bob', password: 'another-pass', name: '鲍勃2', role: 'counter' },
        h.managerToken,
      ),
      409,
      'USERNAME_TAKEN',
    );
    expectError(
      await h.api(
        'POST',
        `${V1}/staff`,
        { username: 'carol', password: 'short', name: 'C', role: 'counter' },
        h.managerToken,
      ),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api(
        'POST',
        `${V1}/staff`,
        { username: 'carol', password: 'long-enough', name: 'C', role: 'kiosk' },
        h.managerToken,
      ),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api(
        'POST',
        `${V1}/staff`,
        { username: 'car ol', password: 'long-enough', name: 'C', role: 'counter' },
        h.managerToken,
      ),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await h.api(
        'POST',
        `${V1}/staff`,
        { username: 'carol', password: 'long-enough', name: '   ', role: 'counter' },
        h.managerToken,
      ),
      400,
      'VALIDATION_FAILED',
    );
    const list = await h.api('GET', `${V1}/staff`, undefined, h.managerToken);
    expect(list.body.staff.map((u: any) => u.username)).toEqual(expect.arrayContaining(['boss', 'bob', 'alice']));
    expect(list.body.staff.map((u: any) => u.username)).not.toContain('carol');
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password/i);
  });
});

describe('counter sign-in binds staff to one counter', () => {
  it('staff act only for the counter they are signed in at (403 NOT_SIGNED_IN elsewhere)', async () => {
    const dave = await h.staffAt('3', 'dave');
    const erin = await h.staffAt('4', 'erin');
    await issue(h, tokens.kiosk, { serviceId: 'mortgage' });
    expectError(await h.api('POST', `${V1}/counters/4/call-next`, {}, dave), 403, 'NOT_SIGNED_IN');
    expectError(await h.api('POST', `${V1}/counters/4/pause`, { reason: '休息' }, dave), 403, 'NOT_SIGNED_IN');
    expect((await h.api('GET', `${V1}/auth/me`, undefined, dave)).body.counterId).toBe('3');

    // Erin takes over counter 3 (A/B post): Dave no longer acts for it, Erin no longer for counter 4.
    expectOk(await h.api('POST', `${V1}/counters/3/sign-in`, {}, erin));
    expectError(await h.api('POST', `${V1}/counters/3/call-next`, {}, dave), 403, 'NOT_SIGNED_IN');
    expectError(await h.api('POST', `${V1}/counters/4/call-next`, {}, erin), 403, 'NOT_SIGNED_IN');
    expect((await h.api('GET', `${V1}/auth/me`, undefined, erin)).body.counterId).toBe('3');
    const called = await h.api('POST', `${V1}/counters/3/call-next`, {}, erin);
    expect(called.status).toBe(200);
    expect(called.body.ticket).toMatchObject({ number: 'B001', status: 'called', counterId: '3' });
    // A manager acts for any counter.
    expectOk(await h.api('POST', `${V1}/counters/3/start`, {}, h.managerToken));
  });

  it('refuses unknown counters with 404 UNKNOWN_COUNTER', async () => {
    expectError(await h.api('POST', `${V1}/counters/99/sign-in`, {}, tokens.counter), 404, 'UNKNOWN_COUNTER');
    expectError(await h.api('POST', `${V1}/counters/99/call-next`, {}, h.managerToken), 404, 'UNKNOWN_COUNTER');
    expectError(await h.api('GET', `${V1}/counters/99/queue`, undefined, h.managerToken), 404, 'UNKNOWN_COUNTER');
  });

  it('devices cannot sign in to a counter', async () => {
    // Only user tokens get to the sign-in decision; the route already refuses device roles.
    expectError(await h.api('POST', `${V1}/counters/1/sign-in`, {}, tokens.pad), 403, 'FORBIDDEN');
  });
});
