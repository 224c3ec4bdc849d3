/**
 * Accessibility of every screen, in Chromium with axe-core (WCAG 2.1 A/AA rules, colour contrast included): no
 * serious or critical violations; on the kiosk and the pad every touch target is at least 48 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import {
  axeSerious,
  describeViolations,
  ensureUiBuilt,
  launchChromium,
  login,
  openPage,
  smallTargets,
} from './browser.js';

let hall: TestHall;
let browser: Browser;
let kioskToken: string;
let padToken: string;
let waitingTicket: string;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall({ kioskTicketsWithoutIdPerMinute: 0 });
  browser = await launchChromium();
  const staff3 = await hall.staffAt('3', 'acc3');
  const staff5 = await hall.staffAt('5', 'acc5');
  kioskToken = (await hall.device('kiosk-1', 'kiosk')).token;
  padToken = (await hall.device('pad-3', 'pad', { counterId: '3' })).token;
  await hall.device('printer-1', 'printer', { kioskId: 'kiosk-1' });
  for (const serviceId of ['one-window', 'one-window', 'mortgage', 'payment', 'one-window', 'enterprise'])
    await hall.api('POST', '/api/v1/tickets', { serviceId }, kioskToken);
  const mine = await hall.api(
    'POST',
    '/api/v1/tickets',
    { serviceId: 'one-window', idNumber: makeIdNumber('19500101', 7), priority: 'priority', priorityReason: 'elderly' },
    kioskToken,
  );
  waitingTicket = mine.body.ticket.id;
  // One served and rated poorly (a follow-up), one called now; counter 5 paused.
  const first = await hall.api('POST', '/api/v1/counters/3/call-next', {}, staff3);
  await hall.api('POST', '/api/v1/counters/3/start', {}, staff3);
  await hall.api('POST', '/api/v1/counters/3/finish', {}, staff3);
  await hall.api('POST', '/api/v1/evaluations', { ticketId: first.body.ticket.id, score: 2 }, padToken);
  await hall.api('POST', '/api/v1/counters/3/call-next', {}, staff3);
  await hall.api('POST', '/api/v1/counters/5/pause', { reason: '暂时离开，10分钟后返回' }, staff5);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

async function audit(page: Page, what: string): Promise<void> {
  const v = await axeSerious(page);
  expect(v, `${what}\n${describeViolations(v)}`).toEqual([]);
}

async function targets(page: Page, what: string): Promise<void> {
  expect(await smallTargets(page, 48), `${what}: touch targets under 48 px`).toEqual([]);
}

describe('kiosk (touch)', () => {
  for (const [name, viewport] of [
    ['portrait', { width: 1080, height: 1920 }],
    ['landscape', { width: 1920, height: 1080 }],
  ] as const) {
    it(`${name}: every step passes axe and has 48 px targets`, async () => {
      const page = await openPage(browser, `${hall.url}/kiosk?token=${kioskToken}`, viewport, errors);
      await page.waitForSelector('.svc-card');
      await audit(page, `kiosk ${name} home`);
      await targets(page, `kiosk ${name} home`);

      await page.click('[data-service="one-window"]');
      await page.waitForSelector('.k-materials');
      await audit(page, `kiosk ${name} service`);
      await targets(page, `kiosk ${name} service`);

      await page.click('.id-field');
      await page.waitForSelector('.keypad-dialog');
      await audit(page, `kiosk ${name} keypad`);
      await targets(page, `kiosk ${name} keypad`);
      await page.click('.keypad-dialog .btn-ghost');

      await page.click('#take-number');
      await page.waitForSelector('.ticket-img');
      await audit(page, `kiosk ${name} ticket`);
      await targets(page, `kiosk ${name} ticket`);
      await page.click('#done');

      await page.click('.action-card');
      await page.waitForSelector('.k-checkin');
      await audit(page, `kiosk ${name} check-in`);
      await targets(page, `kiosk ${name} check-in`);
      await page.keyboard.type('123456789');
      await page.click('.key:text("1")');
      await page.click('#checkin-submit');
      await page.waitForSelector('dialog.refusal');
      await audit(page, `kiosk ${name} refusal`);
      await targets(page, `kiosk ${name} refusal`);
      await page.click('dialog.refusal .btn-primary');
      await page.click('.k-footer .btn-ghost');

      await page.click('.btn-large-mode');
      await page.waitForSelector('html.large');
      await audit(page, `kiosk ${name} large mode`);
      await targets(page, `kiosk ${name} large mode`);
      await page.close();
    });
  }

  it('in English too', async () => {
    const page = await openPage(
      browser,
      `${hall.url}/kiosk?token=${kioskToken}`,
      { width: 1080, height: 1920 },
      errors,
    );
    await page.waitForSelector('.svc-card');
    await page.click('.btn-lang');
    await page.waitForSelector('html[lang="en"]');
    expect(await page.textContent('.k-hero h1')).toBe('Choose a service');
    expect(await page.textContent('[data-service="mortgage"] .svc-name')).toBe('Mortgage registration');
    await audit(page, 'kiosk english');
    await page.close();
  });
});

describe('evaluation pad (touch)', () => {
  it('idle and asking pass axe; the faces are big targets', async () => {
    const page = await openPage(browser, `${hall.url}/pad/3?token=${padToken}`, { width: 1280, height: 800 }, errors);
    await page.waitForSelector('#pad-staff');
    await audit(page, 'pad idle');
    const staff3 = (await hall.api('POST', '/api/v1/auth/login', { username: 'acc3', password: 'staff-password' })).body
      .token;
    await hall.api('POST', '/api/v1/counters/3/start', {}, staff3);
    await hall.api('POST', '/api/v1/counters/3/finish', {}, staff3);
    await page.waitForSelector('.face-1');
    await audit(page, 'pad asking');
    await targets(page, 'pad asking');
    const face = await page.$eval('.face-3', (el) => el.getBoundingClientRect().height);
    expect(face).toBeGreaterThan(120);
    await page.setViewportSize({ width: 800, height: 1280 });
    await targets(page, 'pad asking portrait');
    await page.click('.face-4');
    await page.waitForSelector('#pad-thanks');
    await audit(page, 'pad thanks');
    await page.close();
  });
});

describe('screens for the hall', () => {
  it('hall board', async () => {
    const page = await openPage(browser, `${hall.url}/display?speech=off`, { width: 1920, height: 1080 }, errors);
    await page.waitForSelector('.d-now-number');
    await audit(page, 'hall board');
    await page.close();
  });

  it('counter display, paused and calling', async () => {
    const page = await openPage(browser, `${hall.url}/display/counter/5`, { width: 1280, height: 720 }, errors);
    await page.waitForSelector('#cd-sign');
    await audit(page, 'counter display paused');
    await page.goto(`${hall.url}/display/counter/12`);
    await page.waitForSelector('.cd-sign, .cd-welcome');
    await audit(page, 'counter display closed');
    await page.close();
  });

  it('phone status page', async () => {
    const page = await openPage(browser, `${hall.url}/t/${waitingTicket}`, { width: 390, height: 844 }, errors);
    await page.waitForSelector('#ph-status');
    await audit(page, 'phone page');
    await page.goto(`${hall.url}/t/t_nonexistent`);
    await page.waitForSelector('.ph-missing');
    await audit(page, 'phone page, unknown ticket');
    await page.close();
  });
});

describe('staff screens', () => {
  it('counter console: sign-in, counter choice, console and its dialogs', async () => {
    await hall.api(
      'POST',
      '/api/v1/staff',
      { username: 'newbie', password: 'staff-password', name: '新同事', role: 'counter' },
      hall.managerToken,
    );
    const page = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 768 }, errors);
    await page.waitForSelector('#login-user');
    await audit(page, 'console login');
    await login(page, 'newbie', 'staff-password');
    await page.waitForSelector('.pick-card');
    await audit(page, 'console counter choice');
    await page.click('.pick-card[data-counter="1"]');
    await page.waitForSelector('#act-call-next');
    await audit(page, 'console idle');
    await page.keyboard.press('o');
    await page.waitForSelector('.dialog');
    await audit(page, 'console out-of-turn dialog');
    await page.keyboard.press('Escape');
    await page.click('#change-password');
    await page.waitForSelector('dialog[open] #pw-old');
    await page.fill('#pw-old', 'staff-password');
    await page.click('#pw-submit'); // an error shown in the form
    await page.waitForSelector('#pw-error:not(:empty)');
    await audit(page, 'console change-password dialog');
    await page.keyboard.press('Escape');
    await page.evaluate(() => sessionStorage.clear());
    const staff3 = (await hall.api('POST', '/api/v1/auth/login', { username: 'acc3', password: 'staff-password' })).body
      .token;
    await hall.api('POST', '/api/v1/counters/3/call-next', {}, staff3);
    await page.goto(`${hall.url}/counter`);
    await login(page, 'acc3', 'staff-password');
    await page.waitForSelector('#current-number');
    await audit(page, 'console with a ticket');
    await page.close();
  });

  it('manager dashboard: every tab', async () => {
    const page = await openPage(browser, `${hall.url}/manager`, { width: 1600, height: 1000 }, errors);
    await login(page, 'boss', 'boss-password');
    await page.waitForSelector('#kpi-waiting');
    await page.waitForSelector('.m-counters tbody tr');
    await audit(page, 'dashboard overview');
    for (const tab of ['stats', 'emergency', 'followups', 'devices', 'staff', 'audit']) {
      await page.click(`a[data-tab="${tab}"]`);
      await page.waitForTimeout(300);
      await page.waitForSelector('.m-content .card');
      await audit(page, `dashboard ${tab}`);
      if (tab === 'staff') await staffDialogs(page);
    }
    await page.click('#change-password');
    await page.waitForSelector('dialog[open] #pw-old');
    await audit(page, 'dashboard change-password dialog');
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('raises no page errors', () => {
    expect(errors).toEqual([]);
  });
});

/**
 * The staff tab's dialogs: a disabled account's row, the disable confirmation, the password reset with its error,
 * the mobile and duties with a bad number.
 */
async function staffDialogs(page: Page): Promise<void> {
  const row = '#staff-table tr[data-staff="newbie"]';
  await page.click(`${row} .st-toggle`);
  await page.waitForSelector('#st-disable-confirm');
  await audit(page, 'dashboard staff: disable confirmation');
  await page.click('#st-disable-confirm');
  await page.waitForSelector(`${row} .badge-closed`);
  await audit(page, 'dashboard staff: a disabled account');
  await page.click(`${row} .st-reset`);
  await page.fill('#st-reset-password', 'short');
  await page.click('#st-reset-confirm');
  await page.waitForSelector('#st-reset-error:not(:empty)');
  await audit(page, 'dashboard staff: password reset dialog');
  await page.keyboard.press('Escape');
  await page.click(`${row} .st-contact`);
  await page.fill('#st-contact-phone', '123');
  await page.click('#st-contact-save');
  await page.waitForSelector('#st-contact-error:not(:empty)');
  await audit(page, 'dashboard staff: mobile and duties dialog');
  await page.keyboard.press('Escape');
  await page.click(`${row} .st-toggle`); // enabled again, for the tests after
  await page.waitForSelector(`${row} .badge-open`);
}
