/**
 * The sign above a window when the server is out of reach: its notice reads from the queue, and the call behind it is
 * dimmed, since it may be stale (QA-L: an 11.5 px notice beside a 104 px number that looked live).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt, launchChromium, openPage } from './browser.js';

let hall: TestHall | undefined;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('the counter display offline', () => {
  it('says so in large type and dims the call', async () => {
    const sign = await openPage(browser, `${hall!.url}/display/counter/3`, { width: 800, height: 480 }, []);
    await sign.waitForSelector('#cd-sign');
    await hall!.stop();
    hall = undefined;
    await sign.waitForSelector('.conn-banner:not([hidden])', { timeout: 10_000 });
    const look = await sign.evaluate(() => ({
      fontPx: parseFloat(getComputedStyle(document.querySelector('.conn-banner')!).fontSize),
      bodyOpacity: Number(getComputedStyle(document.querySelector('.cd-body')!).opacity),
    }));
    expect(look.fontPx).toBeGreaterThanOrEqual(30);
    expect(look.bodyOpacity).toBeLessThan(0.5);
  });
});
