/**
 * Staff accounts from the screens, in Chromium against a real server: the dashboard disables, enables and resets a
 * password (and shows the server's refusal to disable oneself); the console changes its user's own password, and
 * the user's other console, whose token that revoked, is sent back to the login form by the stream's 4401.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

const loginStatus = async (username: string, password: string) =>
  (await hall.api('POST', '/api/v1/auth/login', { username, password })).status;

async function staffRecord(
  username: string,
): Promise<{ id: string; disabled: boolean; phone: string | null; duties: string[] }> {
  const r = await hall.api('GET', '/api/v1/staff', undefined, hall.managerToken);
  return r.body.staff.find((s: { username: string }) => s.username === username);
}

describe('staff accounts on the screens', () => {
  it('the dashboard disables, enables and resets a password, and shows the refusal to disable oneself', async () => {
    const wangToken = await hall.staffAt('2', 'wang');
    const page = await openPage(browser, `${hall.url}/manager#staff`, { width: 1600, height: 1000 }, errors);
    await login(page, 'boss', 'boss-password');
    const row = (u: string) => `#staff-table tr[data-staff="${u}"]`;
    await page.waitForSelector(row('wang'));
    // The browser keeps the login's `hallq_known` cookie, out of the page's scripts' reach: its next login goes first.
    const known = (await page.context().cookies(`${hall.url}/api/v1/auth/login`)).find((c) => c.name === 'hallq_known');
    expect(known).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    expect(await page.textContent(`${row('wang')} .badge-open`)).toBe('正常');

    // Disable, after a confirmation.
    await page.click(`${row('wang')} .st-toggle`);
    await page.click('#st-disable-confirm');
    await page.waitForSelector(`${row('wang')} .badge-closed`);
    expect(await page.textContent(`${row('wang')} .badge-closed`)).toBe('停用');
    expect((await staffRecord('wang')).disabled).toBe(true);
    expect(await loginStatus('wang', 'staff-password')).not.toBe(200);
    expect((await hall.api('GET', '/api/v1/auth/me', undefined, wangToken)).status).toBe(401);

    // Enable again.
    expect(await page.textContent(`${row('wang')} .st-toggle`)).toBe('启用');
    await page.click(`${row('wang')} .st-toggle`);
    await page.waitForSelector(`${row('wang')} .badge-open`);
    expect((await staffRecord('wang')).disabled).toBe(false);

    // Reset the password: too short is refused in the form, then a good one takes effect.
    await page.click(`${row('wang')} .st-reset`);
    expect(await page.textContent('dialog[open]')).toContain('至少 8 位');
    await page.fill('#st-reset-password', 'short');
    await page.click('#st-reset-confirm');
    await expect.poll(() => page.textContent('#st-reset-error')).toContain('至少需要 8 位');
    await page.fill('#st-reset-password', 'fresh-password-1');
    await page.click('#st-reset-confirm');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    expect(await loginStatus('wang', 'fresh-password-1')).toBe(200);
    expect(await loginStatus('wang', 'staff-password')).not.toBe(200);

    // The server refuses to disable one's own account; its message is shown.
    await page.click(`${row('boss')} .st-toggle`);
    await page.click('#st-disable-confirm');
    await expect.poll(() => page.textContent('.toasts')).toContain('不能停用自己的账号');
    expect((await staffRecord('boss')).disabled).toBe(false);
    await page.close();
  });

  it('the dashboard sets a mobile and duties when creating an account and changes them later, showing it masked', async () => {
    const page = await openPage(browser, `${hall.url}/manager#staff`, { width: 1600, height: 1000 }, errors);
    await login(page, 'boss', 'boss-password');
    await page.waitForSelector('#staff-form');
    await page.fill('#st-username', 'guard');
    await page.fill('#st-name', '保安甲');
    await page.fill('#st-password', 'guard-password');
    // Checked in the form first: not a mainland mobile.
    await page.fill('#st-phone', '12345');
    await page.click('#staff-form button[type=submit]');
    await expect.poll(() => page.textContent('#staff-form .form-error')).toContain('11 位手机号');
    await page.fill('#st-phone', '139 1234 5678');
    await page.check('#st-duty-security');
    await page.click('#staff-form button[type=submit]');
    const row = '#staff-table tr[data-staff="guard"]';
    await page.waitForSelector(row);
    expect(await page.textContent(`${row} .st-phone`)).toBe('139****5678');
    expect(await page.textContent(`${row} .st-duties`)).toBe('安保');
    expect(await staffRecord('guard')).toMatchObject({ phone: '139****5678', duties: ['security'] });

    // Later: first aid too, and the number removed.
    await page.click(`${row} .st-contact`);
    expect(await page.textContent('dialog[open]')).toContain('139****5678');
    await page.check('#st-contact-duty-first-aid');
    await page.check('#st-contact-remove');
    await page.click('#st-contact-save');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    await expect.poll(() => page.textContent(`${row} .st-phone`)).toBe('—');
    expect(await page.textContent(`${row} .st-duties`)).toBe('安保、急救');
    expect(await staffRecord('guard')).toMatchObject({ phone: null, duties: ['security', 'first-aid'] });
    await page.close();
  });

  it('the console changes its own password; the other console of that user is sent to the login form', async () => {
    await hall.staffAt('3', 'li');
    const mine = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 900 }, errors);
    await login(mine, 'li', 'staff-password');
    await mine.waitForSelector('#act-call-next');
    const other = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 900 }, errors);
    await login(other, 'li', 'staff-password');
    await other.waitForSelector('#act-call-next');

    await mine.click('#change-password');
    // Checked in the page first: the two new passwords must match and be 8 characters or more.
    await mine.fill('#pw-old', 'staff-password');
    await mine.fill('#pw-new', 'new-secret-9');
    await mine.fill('#pw-repeat', 'new-secret-8');
    await mine.click('#pw-submit');
    await expect.poll(() => mine.textContent('#pw-error')).toContain('不一致');
    await mine.fill('#pw-new', 'short');
    await mine.fill('#pw-repeat', 'short');
    await mine.click('#pw-submit');
    await expect.poll(() => mine.textContent('#pw-error')).toContain('至少需要 8 位');
    // A wrong current password is the server's refusal.
    await mine.fill('#pw-old', 'not-my-password');
    await mine.fill('#pw-new', 'new-secret-9');
    await mine.fill('#pw-repeat', 'new-secret-9');
    await mine.click('#pw-submit');
    await expect.poll(() => mine.textContent('#pw-error')).toContain('当前密码不正确');
    await mine.fill('#pw-old', 'staff-password');
    await mine.click('#pw-submit');
    await mine.waitForSelector('dialog[open]', { state: 'detached' });
    await expect.poll(() => mine.textContent('.toasts')).toContain('密码已修改');

    expect(await loginStatus('li', 'new-secret-9')).toBe(200);
    expect(await loginStatus('li', 'staff-password')).not.toBe(200);

    // The other console's token was revoked: its stream closed with 4401, and it asks to sign in again.
    await other.waitForSelector('#login-user');
    expect(await other.textContent('.form-error')).toContain('已在别处退出');
    // This console goes on working with its token.
    await mine.keyboard.press('p');
    await mine.waitForSelector('dialog[open]');
    await mine.keyboard.press('Escape');
    expect(await mine.isVisible('#act-call-next')).toBe(true);
    await mine.close();
    await other.close();
  });

  it('raises no page errors', () => {
    expect(errors).toEqual([]);
  });
});
