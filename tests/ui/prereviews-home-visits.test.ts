/**
 * The day's other work in Chromium: the consult counter answers a 24-hour pre-review (网上预审) from its console; a
 * manager books a home visit (上门服务) for one staff member, whose console alone shows the address; every list of
 * visits is on the query trail. Each screen state is axe-clean.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, expectOk, newStaffAt, V1 } from '../api/support.js';
import { axeSerious, describeViolations, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];
const ADDRESS = '云城区河滨路88号3栋1201房';

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

/** With HALLQ_SCREENSHOTS set, the page goes into docs/screenshots (the README shows them). */
async function shoot(page: Page, name: string): Promise<void> {
  if (process.env.HALLQ_SCREENSHOTS) await page.screenshot({ path: `docs/screenshots/${name}.png` });
}

async function expectAxeClean(page: Page): Promise<void> {
  const v = await axeSerious(page);
  expect(v, describeViolations(v)).toEqual([]);
}

async function consoleOf(username: string, counter: string): Promise<Page> {
  const page = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 900 }, errors);
  await login(page, username, 'staff-password');
  await page.waitForSelector(`.c-counter b:has-text("${counter}号窗口")`);
  return page;
}

describe('pre-reviews on the consult counter’s console', () => {
  it('lists the open ones with their 24-hour clock, opens one and gives the result', async () => {
    await newStaffAt(hall, '10', 'zhou');
    const submitted = await hall.api(
      'POST',
      `${V1}/prereviews`,
      { serviceId: 'one-window', reference: 'WS-2026-0001', phone: '13912345678' },
      hall.managerToken,
    );
    expectOk(submitted, 201);
    const page = await consoleOf('zhou', '10');
    await page.waitForSelector('#tab-prereviews .c-tab-count:has-text("1")');
    await page.click('#tab-prereviews');
    await page.waitForSelector('.c-pr-row[data-prereview] code:has-text("WS-2026-0001")');
    expect(await page.textContent('.c-pr-clock')).toMatch(/剩余 2[34] 小时/);
    expect(await page.isHidden('#panel-queue')).toBe(true);
    await expectAxeClean(page);

    // A second one arrives while the tab is open: it appears without a reload.
    expectOk(
      await hall.api(
        'POST',
        `${V1}/prereviews`,
        { serviceId: 'mortgage', reference: 'WS-2026-0002' },
        hall.managerToken,
      ),
      201,
    );
    await page.waitForSelector('.c-pr-row code:has-text("WS-2026-0002")');
    await shoot(page, 'counter-prereviews');

    await page.click('.c-pr-row:has(code:has-text("WS-2026-0001")) .c-pr-open');
    await page.waitForSelector('.prereview-dialog');
    expect(await page.textContent('.prereview-dialog')).toContain('139****5678');
    await page.click('#pr-submit'); // no result chosen: asks for one, nothing sent
    await page.waitForSelector('.prereview-dialog .form-error:has-text("请选择预审结果")');
    await expectAxeClean(page);
    await page.check('#pr-result-more-materials');
    await page.fill('#pr-note', '请补充身份证明');
    await shoot(page, 'counter-prereview-answer');
    await page.click('#pr-submit');
    await page.waitForSelector('.prereview-dialog', { state: 'detached' });
    await page.waitForSelector('.c-pr-row code:has-text("WS-2026-0001")', { state: 'detached' });

    const answered = (await hall.api('GET', `${V1}/prereviews?status=answered`, undefined, hall.managerToken)).body;
    expect(answered.prereviews).toEqual([
      expect.objectContaining({ reference: 'WS-2026-0001', result: 'more-materials' }),
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('home visits', () => {
  it('a manager books one for a staff member; only their console shows the address; each list is on the trail', async () => {
    const wang = await newStaffAt(hall, '1', 'wang');
    const li = await newStaffAt(hall, '2', 'li');
    const wangId = (await hall.api('GET', `${V1}/auth/me`, undefined, wang)).body.id;
    const liId = (await hall.api('GET', `${V1}/auth/me`, undefined, li)).body.id;

    const dashboard = await openPage(browser, `${hall.url}/manager#visits`, { width: 1600, height: 1000 }, errors);
    await login(dashboard, 'boss', 'boss-password');
    await dashboard.waitForSelector('#visit-form');
    await dashboard.waitForSelector('#visit-table, .m-hv-list .empty:has-text("暂无上门服务")');
    await expectAxeClean(dashboard);
    await dashboard.selectOption('#hv-service', 'one-window');
    await dashboard.fill('#hv-address', ADDRESS);
    await dashboard.fill('#hv-phone', '13812345678');
    await dashboard.selectOption('#hv-staff', wangId);
    await dashboard.click('#hv-book');
    await dashboard.waitForSelector('#visit-table tr[data-visit]');
    const row = await dashboard.textContent('#visit-table tr[data-visit]');
    expect(row).toContain('员工1'); // the visiting staff member's name
    expect(row).not.toContain('88号'); // the manager sees it masked: the address is for the one who visits
    await shoot(dashboard, 'manager-visits');
    await expectAxeClean(dashboard);

    const wangConsole = await consoleOf('wang', '1');
    await wangConsole.click('#tab-visits');
    await wangConsole.waitForSelector(`.c-hv-row .c-hv-address:has-text("${ADDRESS}")`);
    expect(await wangConsole.textContent('.c-hv-row')).toContain('13812345678');
    await shoot(wangConsole, 'counter-visits');
    await expectAxeClean(wangConsole);

    const liConsole = await consoleOf('li', '2');
    await liConsole.click('#tab-visits');
    await liConsole.waitForSelector('.c-visits .empty:has-text("暂无上门服务安排")');

    await wangConsole.click('.c-hv-done');
    await wangConsole.waitForSelector('.c-hv-row.status-done');

    const reads = (await auditAll(hall, 'type=data.read')).filter((e) => e.data.resource === 'home-visits');
    expect(reads.some((e) => e.actor === `user:${wangId}` && e.data.rows >= 1)).toBe(true);
    // li's own list, not the manager's (whose reads of a visit assigned to wang count no rows either).
    expect(reads.some((e) => e.actor === `user:${liId}` && e.data.rows === 0)).toBe(true);
    expect(errors).toEqual([]);
  });
});
