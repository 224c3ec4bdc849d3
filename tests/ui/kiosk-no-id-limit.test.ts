/**
 * The kiosk past its numbers without an ID number for the minute (docs/queue-rule.md): it says plainly to enter the
 * ID number or wait, and how long — never a bare error code.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { issue, manualClock, MONDAY_10 } from '../api/support.js';
import { axeSerious, ensureUiBuilt, launchChromium, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
let kiosk: Page;

beforeAll(async () => {
  ensureUiBuilt();
  const clock = manualClock(MONDAY_10);
  hall = await startTestHall({ clock: clock.clock });
  const token = (await hall.device('kiosk-1', 'kiosk')).token;
  for (let i = 0; i < 6; i++) await issue(hall, token, { serviceId: 'query' });
  browser = await launchChromium();
  kiosk = await openPage(browser, `${hall.url}/kiosk?token=${token}`, { width: 1080, height: 1920 }, []);
  await kiosk.waitForSelector('[data-service="query"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('kiosk past its numbers without an ID for the minute', () => {
  it('asks for the ID number or a short wait, in words', async () => {
    await kiosk.click('[data-service="query"]');
    await kiosk.click('#take-number');
    await kiosk.waitForSelector('.refusal');
    expect(await kiosk.textContent('.refusal .dialog-title')).toBe('请稍候再取号');
    const text = await kiosk.textContent('.refusal-text');
    expect(text).toContain('6 次');
    expect(text).toMatch(/或 60 秒后再试/);
    expect(await axeSerious(kiosk)).toEqual([]);
  });
});
