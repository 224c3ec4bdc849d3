/**
 * A rating pad opened at another counter's address says whose it is, instead of showing that counter's visitors a
 * rating prompt it cannot send (QA-L: it answered 该号码不是在本窗口办理的 only after the tap).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt, launchChromium, openPage } from './browser.js';

let hall: TestHall;
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

describe('a pad at another counter’s address', () => {
  it('names the counter it is registered to', async () => {
    const token = (await hall.device('pad-1', 'pad', { counterId: '1' })).token;
    const pad = await openPage(browser, `${hall.url}/pad/5?token=${token}`, { width: 800, height: 480 }, []);
    await pad.waitForSelector('text=此评价器登记在 1 号窗口');
    expect(await pad.textContent('main')).toContain('这里是 5 号窗口');
    const own = await openPage(browser, `${hall.url}/pad/1?token=${token}`, { width: 800, height: 480 }, []);
    await own.waitForSelector('.pad-title');
    await own.waitForTimeout(500);
    expect(await own.textContent('body')).not.toContain('此评价器登记在');
  });
});
