/**
 * The kiosk asks for priority as the server decides it: the hall's own elderly age (not a number of its own), reason
 * codes (not their Chinese labels), and the server's ID number check, region included.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

const ELDERLY_AGE = 60; // the reference hall says 70: a kiosk with its own number would not see a 65-year-old
let hall: TestHall;
let browser: Browser;
let kiosk: Page;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  const file = loadHallFile();
  file.policy = { ...file.policy, elderlyAge: ELDERLY_AGE };
  hall = await startTestHall({ hallFile: file });
  browser = await launchChromium();
  const dev = await hall.device('kiosk-1', 'kiosk');
  kiosk = await openPage(browser, `${hall.url}/kiosk?token=${dev.token}`, { width: 1080, height: 1920 }, errors);
  await kiosk.waitForSelector('[data-service="one-window"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

async function typeId(id: string): Promise<void> {
  await kiosk.click('.id-field');
  await kiosk.waitForSelector('.keypad-dialog');
  await kiosk.keyboard.type(id);
}

describe('kiosk priority', () => {
  it('the hall view carries the elderly age', async () => {
    expect((await hall.api<any>('GET', '/api/v1/hall')).body.policy).toEqual({ elderlyAge: ELDERLY_AGE });
  });

  it("picks 'elderly' at the hall's age and sends the code", async () => {
    const birthYear = new Date().getFullYear() - 65;
    await kiosk.click('[data-service="one-window"]');
    await typeId(makeIdNumber(`${birthYear}0101`, 7));
    await kiosk.keyboard.press('Enter');
    await kiosk.waitForSelector('.id-field.filled');
    expect(await kiosk.textContent('.chip[aria-pressed="true"]')).toBe('老年人');
    expect(await kiosk.textContent('.k-priority .hint')).toContain('65');
    const issued = kiosk.waitForRequest((r) => r.url().endsWith('/api/v1/tickets') && r.method() === 'POST');
    await kiosk.click('#take-number');
    const sent = JSON.parse((await issued).postData() ?? '{}');
    expect(sent).toMatchObject({ priority: 'priority', priorityReason: 'elderly' });
    await kiosk.waitForSelector('.k-number');
    await kiosk.click('#done');
  });

  it('the counter console shows the code in its words', async () => {
    await hall.staffAt('1', 'li1');
    const console1 = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 900 }, errors);
    await login(console1, 'li1', 'staff-password');
    await console1.click('#act-call-next');
    await console1.waitForSelector('#current-number');
    expect(await console1.textContent('.c-badges')).toContain('优先 · 老年人');
    await console1.close();
  });

  it('sends a chosen reason as its code', async () => {
    await kiosk.click('[data-service="mortgage"]');
    await kiosk.click('.chip:has-text("孕妇")');
    const issued = kiosk.waitForRequest((r) => r.url().endsWith('/api/v1/tickets') && r.method() === 'POST');
    await kiosk.click('#take-number');
    expect(JSON.parse((await issued).postData() ?? '{}')).toMatchObject({ priorityReason: 'pregnant' });
    await kiosk.waitForSelector('.k-number');
    await kiosk.click('#done');
  });

  it('refuses an ID number with an unknown region, as the server would', async () => {
    await kiosk.click('[data-service="one-window"]');
    await typeId(makeIdNumber('19800101', 3, '990105'));
    expect(await kiosk.textContent('.key-msg')).toContain('号码校验未通过');
    await kiosk.keyboard.press('Enter');
    expect(await kiosk.$('.id-field.filled')).toBeNull();
    await kiosk.keyboard.press('Escape');
  });

  it('raises no page errors', () => {
    expect(errors).toEqual([]);
  });
});
