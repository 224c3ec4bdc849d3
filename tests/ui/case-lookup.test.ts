/** The case look-up page in Chromium: from the receipt's QR link, typed by hand, and from the kiosk and back. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNext, expectOk, issue, V1 } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt, launchChromium, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
let caseNumber: string;
let kioskToken: string;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  browser = await launchChromium();
  kioskToken = (await hall.device('kiosk-1', 'kiosk')).token;
  const staff = await hall.staffAt('4', 'ui-case');
  await issue(hall, staff, { serviceId: 'mortgage' });
  await callNext(hall, '4', staff);
  const r = await hall.api('POST', `${V1}/counters/4/finish`, { accepted: true }, staff);
  expectOk(r);
  caseNumber = r.body.case.number;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('case look-up page', () => {
  it('opens from the receipt link with the case shown, and no personal data', async () => {
    const page = await openPage(browser, `${hall.url}/case?n=${caseNumber}`, { width: 390, height: 844 }, errors);
    await page.waitForSelector('#cs-number');
    expect(await page.textContent('#cs-number')).toBe(caseNumber);
    expect(await page.textContent('#cs-status')).toBe('办理中');
    expect(await page.textContent('.ph-service')).toContain('抵押登记');
    expect(await page.textContent('#cs-due')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.close();
  });

  it('finds a number typed without letter or dashes, and says so for an unknown one', async () => {
    const page = await openPage(browser, `${hall.url}/case`, { width: 390, height: 844 }, errors);
    await page.fill('#case-number', '20990101 0000000000');
    await page.click('#case-search');
    await page.waitForSelector('.ph-missing');
    await page.fill('#case-number', caseNumber.slice(2).replaceAll('-', ''));
    await page.click('#case-search');
    await page.waitForSelector('#cs-number');
    expect(await page.textContent('#cs-number')).toBe(caseNumber);
    await page.close();
  });

  it('is reached from the kiosk, which it leads back to, and sends the kiosk’s token', async () => {
    const page = await openPage(
      browser,
      `${hall.url}/kiosk?token=${kioskToken}`,
      { width: 1080, height: 1920 },
      errors,
    );
    await page.click('#case-lookup');
    await page.waitForURL(/\/case\?from=kiosk/);
    await page.fill('#case-number', caseNumber);
    // The kiosk's token goes along: its look-ups count against the kiosk, not the address everyone at it shares.
    const lookUp = page.waitForRequest((r) => r.url().includes('/api/v1/cases/'));
    await page.click('#case-search');
    expect((await lookUp).headers()['authorization']).toBe(`Bearer ${kioskToken}`);
    await page.waitForSelector('#cs-number');
    await page.click('a[href="/kiosk"]');
    await page.waitForSelector('[data-service="one-window"]'); // the kiosk, still signed in
    await page.close();
    expect(errors).toEqual([]);
  });
});
