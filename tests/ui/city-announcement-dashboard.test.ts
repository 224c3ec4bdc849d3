/**
 * A city-wide announcement on the manager's 应急预案 tab: it is not one of the hall file's playbooks, so it is listed
 * after them by its own name with its banner and cause, and the manager can end it there like any other.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announcementPlaybookId } from '../../protocol/city.js';
import { DirectiveReceiver } from '../../server/features/city-link/directives.js';
import { V1 } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { axeSerious, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('a city announcement on the dashboard', () => {
  it('is listed by name with its banner and cause, and the manager ends it', async () => {
    const site = hall.running.hall;
    const now = site.clock();
    new DirectiveReceiver(site, site.hallFile.hall.id, hall.running.db).apply({
      v: 1,
      at: now,
      id: 'typhoon-1',
      kind: 'announcement',
      text: '台风“海燕”今晚登陆，请注意安全',
      severity: 'high',
      until: now + 3600_000,
    });
    const id = announcementPlaybookId('typhoon-1');
    const page = await openPage(browser, `${hall.url}/manager`, { width: 1600, height: 1000 }, errors);
    await login(page, 'boss', 'boss-password');
    await page.click('a[data-tab="emergency"]');
    const card = page.locator(`.m-playbook[data-playbook="${id}"]`);
    await card.waitFor();
    const text = await card.textContent();
    expect(text).toContain('全市公告');
    expect(text).toContain('台风“海燕”今晚登陆，请注意安全');
    expect(text).toContain('市级指挥中心下发');
    expect(await axeSerious(page)).toEqual([]);
    await page.click(`#deactivate-${id}`);
    await page.click('#confirm-deactivate');
    await expect
      .poll(async () => (await hall.api('GET', `${V1}/emergency`, undefined, hall.managerToken)).body.active.length)
      .toBe(0);
    await card.waitFor({ state: 'detached' });
    await page.close();
  });

  it('raises no page errors', () => {
    expect(errors).toEqual([]);
  });
});
