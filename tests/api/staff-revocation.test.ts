/** Taking access away: disable/enable staff, reset and change passwords; every token of the user stops at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revocation } from '../../server/store/revocations.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectError, expectOk, manualClock, MONDAY_10, V1 } from './support.js';

const clock = manualClock(MONDAY_10);
let h: TestHall;
const revoked: Revocation[] = [];

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
  h.running.accounts.revocations.on((r) => revoked.push(r));
});
afterAll(async () => {
  await h?.stop();
});

async function newStaff(username: string, role = 'counter'): Promise<string> {
  const r = await h.api(
    'POST',
    `${V1}/staff`,
    { username, password: 'first-password', name: '员工', role },
    h.managerToken,
  );
  expectOk(r, 201);
  return r.body.user.id;
}
const login = (username: string, password: string) => h.api('POST', `${V1}/auth/login`, { username, password });
async function tokenOf(username: string, password = 'first-password'): Promise<string> {
  const r = await login(username, password);
  expectOk(r);
  return r.body.token;
}
const me = (token: string) => h.api('GET', `${V1}/auth/me`, undefined, token);

describe('disable and enable', () => {
  it('disabling revokes every token of the user at once and refuses new logins; enabling lets them log in again', async () => {
    const id = await newStaff('leaver');
    const [a, b] = [await tokenOf('leaver'), await tokenOf('leaver')];
    expectOk(await me(a)); // remembered in the token cache
    const r = await h.api('POST', `${V1}/staff/${id}/disable`, {}, h.managerToken);
    expectOk(r);
    expect(r.body.user).toMatchObject({ id, username: 'leaver', disabled: true });
    expectError(await me(a), 401, 'UNAUTHORIZED');
    expectError(await me(b), 401, 'UNAUTHORIZED');
    expectError(await login('leaver', 'first-password'), 401, 'INVALID_CREDENTIALS');
    expect(revoked).toContainEqual({ userId: id });
    expect(
      (await h.api('GET', `${V1}/staff`, undefined, h.managerToken)).body.staff.find((u: any) => u.id === id).disabled,
    ).toBe(true);

    expectOk(await h.api('POST', `${V1}/staff/${id}/enable`, {}, h.managerToken));
    expectOk(await me(await tokenOf('leaver')));
    expectError(await me(a), 401, 'UNAUTHORIZED'); // old tokens stay revoked
  });

  it('is for managers; refuses unknown staff and one’s own account', async () => {
    const id = await newStaff('someone');
    const counterToken = await tokenOf('someone');
    expectError(await h.api('POST', `${V1}/staff/${id}/disable`, {}, counterToken), 403, 'FORBIDDEN');
    expectError(
      await h.api('POST', `${V1}/staff/${id}/password`, { password: 'whatever-1' }, counterToken),
      403,
      'FORBIDDEN',
    );
    expectError(await h.api('POST', `${V1}/staff/u_nobody/disable`, {}, h.managerToken), 404, 'UNKNOWN_STAFF');
    const bossId = (await me(h.managerToken)).body.id;
    expectError(await h.api('POST', `${V1}/staff/${bossId}/disable`, {}, h.managerToken), 409, 'OWN_ACCOUNT');
    const deputy = await newStaff('deputy', 'manager');
    const deputyToken = await tokenOf('deputy');
    expectOk(await h.api('POST', `${V1}/staff/${bossId}/disable`, {}, deputyToken));
    expectError(await h.api('POST', `${V1}/staff/${bossId}/enable`, {}, h.managerToken), 401, 'UNAUTHORIZED');
    expectOk(await h.api('POST', `${V1}/staff/${bossId}/enable`, {}, deputyToken));
    h.managerToken = await tokenOf('boss', 'boss-password');
    expectOk(await h.api('POST', `${V1}/staff/${deputy}/disable`, {}, h.managerToken));
    expect(revoked).toContainEqual({ userId: bossId });
  });
});

describe('passwords', () => {
  it('a manager resets a password: every token of the user is revoked, the new password works, the old does not', async () => {
    const id = await newStaff('forgetful');
    const old = await tokenOf('forgetful');
    expectError(
      await h.api('POST', `${V1}/staff/${id}/password`, { password: 'short' }, h.managerToken),
      400,
      'VALIDATION_FAILED',
    );
    expectOk(await h.api('POST', `${V1}/staff/${id}/password`, { password: 'second-password' }, h.managerToken));
    expectError(await me(old), 401, 'UNAUTHORIZED');
    expectError(await login('forgetful', 'first-password'), 401, 'INVALID_CREDENTIALS');
    expectOk(await login('forgetful', 'second-password'));
  });

  it('a user changes their own password with the old one; their other sessions end, this one goes on', async () => {
    await newStaff('careful');
    const [here, elsewhere] = [await tokenOf('careful'), await tokenOf('careful')];
    const change = (oldPassword: string, newPassword: string) =>
      h.api('POST', `${V1}/auth/password`, { oldPassword, newPassword }, here);
    expectError(await change('not-it-at-all', 'third-password'), 403, 'WRONG_PASSWORD');
    expectError(await change('first-password', 'short'), 400, 'VALIDATION_FAILED');
    expectOk(await change('first-password', 'third-password'));
    expectOk(await me(here));
    expectError(await me(elsewhere), 401, 'UNAUTHORIZED');
    expectOk(await login('careful', 'third-password'));
    const kiosk = (await h.api('POST', `${V1}/devices`, { id: 'kiosk-pw', kind: 'kiosk' }, h.managerToken)).body.token;
    expectError(
      await h.api('POST', `${V1}/auth/password`, { oldPassword: 'x', newPassword: 'yyyyyyyy' }, kiosk),
      403,
      'FORBIDDEN',
    );
  });

  it('slows guessing the old password with a stolen session like guessing a login', async () => {
    await newStaff('stolen');
    const token = await tokenOf('stolen');
    const change = (oldPassword: string) =>
      h.api('POST', `${V1}/auth/password`, { oldPassword, newPassword: 'new-password-1' }, token);
    for (let i = 0; i < 5; i++) expectError(await change(`guess-${i}`), 403, 'WRONG_PASSWORD');
    expectError(await change('first-password'), 429, 'TOO_MANY_ATTEMPTS');
  });

  it('every change is audited, without the passwords', async () => {
    const entries = await auditAll(h);
    for (const type of ['staff.disabled', 'staff.enabled', 'staff.password_reset', 'auth.password_changed'])
      expect(
        entries.some((e) => e.type === type),
        type,
      ).toBe(true);
    const json = JSON.stringify(entries);
    for (const secret of ['second-password', 'third-password']) expect(json).not.toContain(secret);
  });
});
