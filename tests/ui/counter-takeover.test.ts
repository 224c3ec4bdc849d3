/** A/B posts on the console (R7): the backup is asked to take over a counter left with people waiting, in one tap. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectOk, issue, newStaffAt, V1 } from '../api/support.js';
import { ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  const file = loadHallFile();
  hall = await startTestHall({
    hallFile: { ...file, counters: file.counters.map((c) => (c.id === '7' ? { ...c, backupStaff: ['wang'] } : c)) },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('A/B post on the console', () => {
  it('asks the backup when the staff signs out with people waiting, and takes over in one tap', async () => {
    await newStaffAt(hall, '10', 'wang'); // wang's own post: the consult desk
    const li = await newStaffAt(hall, '7', 'li');
    const page = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 900 }, errors);
    await login(page, 'wang', 'staff-password');
    await page.waitForSelector('.c-counter b:has-text("10号窗口")');
    await issue(hall, (await hall.device('kiosk-1', 'kiosk')).token, { serviceId: 'query' });
    expectOk(await hall.api('POST', `${V1}/counters/7/sign-out`, {}, li));
    await page.waitForSelector('.takeover-dialog');
    expect(await page.textContent('.takeover-dialog .dialog-title')).toBe('AB岗：请接替7号窗口');
    await page.click('#takeover-accept');
    await page.waitForSelector('.c-counter b:has-text("7号窗口")');
    expect(errors).toEqual([]);
  });
});
