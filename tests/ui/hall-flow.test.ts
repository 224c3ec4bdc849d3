/**
 * The screens end to end in Chromium against a real server: a kiosk ticket is called from the console and shows on
 * the hall board and the phone page within a second; refusals show their message; the pad's rating reaches the
 * dashboard; a playbook's banner reaches the board.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber, startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];
let kiosk: Page;
let console3: Page;
let board: Page;
let pad: Page;
let dashboard: Page;
let staffUser: string;

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  browser = await launchChromium();
  staffUser = 'chen3';
  await hall.staffAt('3', staffUser);
  const kioskDev = await hall.device('kiosk-1', 'kiosk');
  const boardDev = await hall.device('display-1', 'display');
  const padDev = await hall.device('pad-3', 'pad', { counterId: '3' });
  kiosk = await openPage(browser, `${hall.url}/kiosk?token=${kioskDev.token}`, { width: 1080, height: 1920 }, errors);
  board = await openPage(
    browser,
    `${hall.url}/display?token=${boardDev.token}&speech=off`,
    { width: 1920, height: 1080 },
    errors,
  );
  pad = await openPage(browser, `${hall.url}/pad/3?token=${padDev.token}`, { width: 1280, height: 800 }, errors);
  console3 = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 900 }, errors);
  await login(console3, staffUser, 'staff-password');
  dashboard = await openPage(browser, `${hall.url}/manager`, { width: 1600, height: 1000 }, errors);
  await login(dashboard, 'boss', 'boss-password');
  await dashboard.waitForSelector('#kpi-waiting');
  await board.waitForSelector('.d-counter[data-counter="3"]');
  await pad.waitForSelector('#pad-staff');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

async function takeNumber(page: Page, serviceId: string): Promise<{ id: string; number: string }> {
  await page.click(`[data-service="${serviceId}"]`);
  const issued = page.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await page.click('#take-number');
  const body = await (await issued).json();
  return body.ticket;
}

describe('the hall screens, live', () => {
  it('a kiosk ticket called from the console is on the hall board and the phone page within one second', async () => {
    const ticket = await takeNumber(kiosk, 'one-window');
    await expect.poll(() => kiosk.textContent('.k-number')).toBe(ticket.number);
    // The confirmation shows the paper ticket's SVG (with its QR) as a preview.
    await kiosk.waitForSelector('.ticket-img');
    const preview = await kiosk.$eval('.ticket-img', (img) => (img as HTMLImageElement).naturalWidth);
    expect(preview).toBeGreaterThan(300);
    await kiosk.click('#done'); // back to the start screen for the next visitor

    const phone = await openPage(browser, `${hall.url}/t/${ticket.id}`, { width: 390, height: 844 }, errors);
    await phone.waitForSelector('#ph-status');
    expect(await phone.textContent('#ph-number')).toBe(ticket.number);
    expect(await phone.textContent('#ph-status')).toContain('排队等候中');

    // The console lists it in this counter's queue.
    await console3.waitForSelector(`.c-q-row[data-number="${ticket.number}"]`);

    const onBoard = board.waitForFunction(
      (n) =>
        document.querySelector('.d-now-number')?.textContent === n &&
        document.querySelector('.d-counter[data-counter="3"] .d-counter-number')?.textContent === n,
      ticket.number,
      { polling: 20, timeout: 5000 },
    );
    const onPhone = phone.waitForFunction(
      () => document.querySelector('#ph-status')?.textContent?.includes('请到 3号窗口 办理'),
      undefined,
      { polling: 20, timeout: 5000 },
    );
    await console3.waitForSelector('#act-call-next:not([disabled])');
    const t0 = Date.now();
    await console3.keyboard.press('n'); // the keyboard shortcut for 呼叫下一位
    await Promise.all([onBoard, onPhone]);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(1000);

    // The console shows the current ticket with its verify code and the service's materials.
    await console3.waitForSelector('#current-number');
    expect(await console3.textContent('#current-number')).toBe(ticket.number);
    expect((await console3.textContent('#verify-code'))?.trim()).toMatch(/^\d{4}$/);
    expect(await console3.textContent('.c-materials')).toContain('不动产登记申请书');
    expect(await board.getAttribute('.d-counter[data-counter="3"]', 'data-state')).toBe('called');
    await phone.close();
  });

  it('the pad asks for a rating when the counter finishes, and the rating reaches the dashboard', async () => {
    await console3.waitForSelector('#act-start:not([disabled])');
    await console3.keyboard.press('s');
    await console3.waitForSelector('.c-st-serving');
    await console3.waitForSelector('#act-finish:not([disabled])');
    await console3.keyboard.press('f');
    await pad.waitForSelector('.face-5');
    expect(await pad.textContent('.pad-ask h1')).toContain('请对本次服务进行评价');
    expect(await pad.$$eval('.face', (els) => els.map((e) => e.textContent))).toEqual([
      '非常满意',
      '满意',
      '基本满意',
      '不满意',
      '非常不满意',
    ]);
    await pad.click('.face-5');
    await pad.waitForSelector('#pad-thanks');
    await dashboard.waitForSelector('#rating-feed .score-5');
    expect(await dashboard.textContent('#rating-feed')).toContain('3号窗口 · 非常满意');
    await expect.poll(() => dashboard.textContent('#kpi-satisfied'), { timeout: 5000 }).toBe('100');
    // Staff see it in their own figures.
    await expect.poll(() => console3.textContent('#fig-rating'), { timeout: 5000 }).toBe('5 / 5');
  });

  it('the pad stops asking once the next citizen is being served at its counter', async () => {
    const act = async (step: string) =>
      expect((await hall.api('POST', `/api/v1/counters/3/${step}`, {}, hall.managerToken)).status).toBe(200);
    for (let i = 0; i < 2; i++)
      await hall.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, hall.managerToken);
    await act('call-next');
    await act('start');
    await act('finish');
    await pad.waitForSelector('.face-5');
    await act('call-next'); // the next is walking up: the one just served may still rate
    await new Promise((r) => setTimeout(r, 300));
    expect(await pad.$('.face-5')).not.toBeNull();
    await act('start'); // the next sits at the window
    await pad.waitForSelector('.pad-idle', { timeout: 5000 });
    await act('finish');
    await pad.waitForSelector('.face-5'); // and asks the one just served
  });

  it('a refusal shows its message: the same ID cannot hold two waiting numbers for a service', async () => {
    const id = makeIdNumber('19800101', 42);
    const first = await takeNumberWithId(id);
    await kiosk.click('#done');
    await kiosk.click('[data-service="one-window"]');
    await enterId(id);
    await kiosk.click('#take-number');
    const dialog = await kiosk.waitForSelector('dialog.refusal');
    expect(await dialog.textContent()).toContain('您已取过本业务的号');
    expect(await kiosk.getAttribute('.refusal-text', 'data-code')).toBe('ACTIVE_TICKET_EXISTS');
    expect(await kiosk.textContent('.refusal-text')).toContain(first.number);
    await kiosk.click('dialog.refusal .btn-primary');
    await kiosk.click('.k-footer .btn-ghost'); // back to the start
    await kiosk.waitForSelector('.k-services');
  });

  it('activating a playbook puts its banner on the hall board; the kiosk then refuses with the reason', async () => {
    await dashboard.click('a[data-tab="emergency"]');
    // Whom it notifies, in the staff table's words (one set of duty labels).
    // The tab renders after its data arrives: wait for the list, not just the click.
    await dashboard.waitForSelector('[data-playbook="fire"] .m-actions li');
    const actions = await dashboard.locator('[data-playbook="fire"] .m-actions li').allTextContents();
    expect(actions).toContain('通知：大厅负责人、安保');
    await dashboard.click('#activate-fire');
    await dashboard.fill('#em-note', '演练');
    await dashboard.click('#confirm-activate');
    await board.waitForSelector('.d-banner:not([hidden])', { timeout: 3000 });
    expect(await board.textContent('.d-banner')).toContain('请按疏散指示有序撤离');
    await kiosk.waitForSelector('.emergency-banner:not([hidden])');
    await kiosk.click('[data-service="mortgage"]');
    await kiosk.click('#take-number');
    await kiosk.waitForSelector('dialog.refusal');
    expect(await kiosk.getAttribute('.refusal-text', 'data-code')).toBe('HALL_CLOSED');
    expect(await kiosk.textContent('.refusal-text')).toContain('大厅暂停取号');
    await kiosk.click('dialog.refusal .btn-primary');

    await dashboard.click('#deactivate-fire');
    await dashboard.click('#confirm-deactivate');
    await board.waitForSelector('.d-banner[hidden]', { state: 'attached', timeout: 3000 });
  });

  it('pause with a reason shows 暂停服务 on the counter display and the hall board', async () => {
    const sign = await openPage(browser, `${hall.url}/display/counter/3`, { width: 1280, height: 720 }, errors);
    await sign.waitForSelector('.cd-welcome');
    await console3.waitForSelector('#act-pause:not([disabled])');
    await console3.keyboard.press('p');
    await console3.click('.dialog .chip', { timeout: 5000 }); // fills the reason and puts the focus in it
    await console3.keyboard.press('Enter'); // does what 暂停服务 does
    await sign.waitForSelector('#cd-sign');
    expect(await sign.textContent('#cd-sign')).toBe('暂停服务');
    expect(await sign.textContent('#cd-reason')).toBe('暂时离开，请稍候');
    await expect.poll(() => board.getAttribute('.d-counter[data-counter="3"]', 'data-state')).toBe('paused');
    await console3.waitForSelector('#act-pause:not([disabled])');
    await console3.keyboard.press('p'); // resume
    await sign.waitForSelector('.cd-welcome');
    await sign.close();
  });

  it('an out-of-turn call needs a reason and is marked with its category on the board', async () => {
    const a = await hall.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, hall.managerToken);
    const b = await hall.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, hall.managerToken);
    expect(a.status).toBe(201);
    await console3.waitForSelector(`.c-q-row[data-number="${b.body.ticket.number}"] .c-q-call:not([disabled])`);
    await console3.click(`.c-q-row[data-number="${b.body.ticket.number}"] .c-q-call`);
    await console3.click('label.chip-radio:has(input[value="special-group"])');
    await console3.click('#confirm-oot');
    expect(await console3.textContent('.dialog .form-error')).toContain('原因');
    await console3.fill('#oot-reason', '行动不便老人');
    await console3.click('#confirm-oot');
    await board.waitForFunction(
      (n) => document.querySelector('.d-now-number')?.textContent === n,
      b.body.ticket.number,
      { timeout: 3000 },
    );
    expect(await board.textContent('.d-now .tag-oot')).toBe('越号 · 特殊群体');
  });

  it('a dropped stream resumes with ?since= and replays the calls it missed', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    // Keep a handle on the page's sockets, to cut the connection as a network drop would.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      } as typeof WebSocket;
    });
    await page.goto(`${hall.url}/display?speech=off`);
    await page.waitForSelector('.d-counter[data-counter="3"]');
    const staff = (await hall.api('POST', '/api/v1/auth/login', { username: staffUser, password: 'staff-password' }))
      .body.token;
    await hall.api('POST', '/api/v1/counters/3/start', {}, staff); // the ticket in hand from the last test
    await hall.api('POST', '/api/v1/counters/3/finish', {}, staff);
    await page.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets[0].close());
    // While the board is disconnected: a ticket is issued and called.
    const t = await hall.api('POST', '/api/v1/tickets', { serviceId: 'mortgage' }, hall.managerToken);
    const called = await hall.api(
      'POST',
      '/api/v1/counters/3/call',
      { ticketId: t.body.ticket.id, reason: '测试断线重连', category: 'system-redo' },
      staff,
    );
    expect(called.status).toBe(200);
    await page.waitForFunction(
      (n) => document.querySelector('.d-now-number')?.textContent === n,
      t.body.ticket.number,
      { timeout: 5000 },
    );
    const urls = await page.evaluate(() =>
      (window as unknown as { __sockets: WebSocket[] }).__sockets.map((s) => s.url),
    );
    expect(urls.length).toBeGreaterThanOrEqual(2);
    expect(urls[1]).toMatch(/[?&]since=\d+/);
    expect(await page.textContent('.d-now .tag-oot')).toBe('越号 · 系统重办');
    await page.close();
  });

  it('raises no page errors', () => {
    expect(errors).toEqual([]);
  });
});

async function enterId(id: string): Promise<void> {
  await kiosk.click('.id-field');
  await kiosk.waitForSelector('.keypad-dialog');
  // An ID card reader types like a keyboard and ends with Enter.
  await kiosk.keyboard.type(id);
  await kiosk.keyboard.press('Enter');
  await kiosk.waitForSelector('.id-field.filled');
}

async function takeNumberWithId(id: string): Promise<{ id: string; number: string }> {
  await kiosk.click('[data-service="one-window"]');
  await enterId(id);
  const issued = kiosk.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await kiosk.click('#take-number');
  const body = await (await issued).json();
  await kiosk.waitForSelector('.k-number');
  return body.ticket;
}
