/**
 * The kiosk when today is full (R4): it asks before issuing, says so plainly and offers the next slot; the visitor
 * takes today's number anyway or books the slot in one tap, with an optional phone. Never a refusal.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { issue, manualClock } from '../api/support.js';
import { axeSerious, ensureUiBuilt, launchChromium, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
let kiosk: Page;
let kioskToken: string;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  // Monday 16:50: 40 minutes of issuing left; one counter serves one-window at 15 minutes each.
  const clock = manualClock('2026-03-02T16:50:00+08:00');
  hall = await startTestHall({ clock: clock.clock, hours: 'file' });
  await hall.staffAt('1');
  kioskToken = (await hall.device('kiosk-1', 'kiosk')).token;
  for (let i = 0; i < 3; i++) await issue(hall, kioskToken, { serviceId: 'one-window' });
  browser = await launchChromium();
  kiosk = await openPage(browser, `${hall.url}/kiosk?token=${kioskToken}`, { width: 1080, height: 1920 }, errors);
  await kiosk.waitForSelector('[data-service="one-window"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

async function openOffer(): Promise<void> {
  await kiosk.click('[data-service="one-window"]');
  await kiosk.click('#take-number');
  await kiosk.waitForSelector('.capacity-dialog');
}

describe('kiosk when today is full', () => {
  it('says so plainly and books the offered slot in one tap, with a phone for the reminder', async () => {
    await openOffer();
    expect(await kiosk.textContent('.capacity-dialog .dialog-title')).toBe('今天可能办不完');
    expect(await kiosk.textContent('.capacity-text')).toContain('3 人等候');
    expect(await kiosk.textContent('#capacity-book')).toContain('08:30');
    expect(await axeSerious(kiosk)).toEqual([]);
    for (const d of '13987654321') await kiosk.click(`.capacity .key:text-is("${d}")`);
    // HALLQ_SCREENSHOTS=1 refreshes the picture in docs/screenshots.
    if (process.env.HALLQ_SCREENSHOTS) await kiosk.screenshot({ path: 'docs/screenshots/kiosk-capacity.png' });
    const booked = kiosk.waitForRequest((r) => r.url().endsWith('/api/v1/appointments') && r.method() === 'POST');
    await kiosk.click('#capacity-book');
    expect(JSON.parse((await booked).postData() ?? '{}')).toEqual({
      serviceId: 'one-window',
      slotStart: '2026-03-03T00:30:00.000Z',
      slotEnd: '2026-03-03T01:00:00.000Z',
      phone: '13987654321',
    });
    await kiosk.waitForSelector('#booked-code');
    if (process.env.HALLQ_SCREENSHOTS) await kiosk.screenshot({ path: 'docs/screenshots/kiosk-booked.png' });
    const code = (await kiosk.textContent('#booked-code'))!.trim();
    expect(code).toMatch(/^\d{10}$/);
    const list = await hall.api('GET', '/api/v1/appointments', undefined, hall.managerToken);
    expect(list.body.appointments).toMatchObject([{ code, phone: '139****4321', status: 'booked' }]);
    await kiosk.click('#booked-ok');
    await kiosk.waitForSelector('body[data-screen="home"]');
  });

  it('still issues today’s number when the visitor prefers to wait', async () => {
    await openOffer();
    await kiosk.click('#capacity-today');
    await kiosk.waitForSelector('.k-number');
    expect(await kiosk.textContent('.k-number')).toBe('A004');
    await kiosk.click('#done');
    expect(errors).toEqual([]);
  });
});
