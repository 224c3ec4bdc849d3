/**
 * The dashboard's alerts in Chromium: an outside system that fails (how long, what waits to go out), people who
 * wait for a service that no open counter serves, and a counter that finished tickets within seconds of their call.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { axeSerious, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  // Nothing listens on port 9 of this machine: the platform's first sync fails at once.
  hall = await startTestHall({ env: { PLATFORM_URL: 'http://127.0.0.1:9/v1', PLATFORM_TOKEN: 'platform-token' } });
  await issue(hall, hall.managerToken, { serviceId: 'query' }); // every counter is closed at the start
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('alerts on the dashboard', () => {
  it('names the failing appointment platform and the service that no open counter serves', async () => {
    const page = await openPage(browser, `${hall.url}/manager`, { width: 1600, height: 1000 }, errors);
    await login(page, 'boss', 'boss-password');
    await page.waitForSelector('.m-alert-list');
    await expect.poll(() => page.textContent('.m-alerts')).toContain('预约平台连接失败');
    const text = await page.textContent('.m-alerts');
    expect(text).toMatch(/有 1 人等候，但没有开放的窗口办理/);
    expect(await axeSerious(page)).toEqual([]);
    await page.close();
  });

  it('names a counter that finished tickets within seconds of their call', async () => {
    const staff = await hall.staffAt('8', 'quick');
    await issue(hall, hall.managerToken, { serviceId: 'payment' });
    for (const step of ['call-next', 'finish'])
      expect((await hall.api('POST', `/api/v1/counters/8/${step}`, {}, staff)).status).toBe(200);
    const page = await openPage(browser, `${hall.url}/manager`, { width: 1600, height: 1000 }, errors);
    await login(page, 'boss', 'boss-password');
    await expect.poll(() => page.textContent('.m-alerts')).toMatch(/今日有 1 个号码在叫号后 20 秒内即办结或转办：E001/);
    expect(await axeSerious(page)).toEqual([]);
    await page.close();
  });

  it('raises no page errors', () => {
    expect(errors).toEqual([]);
  });
});
