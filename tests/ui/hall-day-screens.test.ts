/**
 * The hall's day on the screens (R6): after closing, extended service (延时服务) shows on the counter console, the
 * counter's own display and the hall board; a service that no open counter serves (a manager forced its last counter
 * closed: needsCounter) is named on that counter's console, its display does not send people to another counter, and
 * the board shows a hint instead of an estimate. All of it arrives live, and goes once a counter opens. The morning
 * after, a ticket that extended service could not reach still finds its booked slot on its phone page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DayRules } from '../../server/features/day-rules/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectOk, issue, manualClock, newStaffAt, V1 } from '../api/support.js';
import { axeSerious, describeViolations, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];
const clock = manualClock('2026-03-02T17:00:00+08:00'); // a Monday; the reference hall closes at 17:30

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall({ clock: clock.clock, hours: 'file' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

const tick = () => (hall.running.features.find((f) => f.name === 'day-rules') as DayRules).tick();

async function expectAxeClean(page: Page): Promise<void> {
  const v = await axeSerious(page);
  expect(v, describeViolations(v)).toEqual([]);
}

describe('extended service and a service nobody serves, on the screens', () => {
  it('shows both live on the console, the counter display and the hall board; they go when a counter opens', async () => {
    const li = await newStaffAt(hall, '7', 'li'); // counter 7 serves 登记资料查询 (D); counter 12 is closed
    const kiosk = (await hall.device('kiosk-1', 'kiosk')).token;
    const sign = (await hall.device('sign-7', 'display', { counterId: '7' })).token;
    const boardToken = (await hall.device('board-1', 'display')).token;
    await issue(hall, kiosk, { serviceId: 'query' });
    await issue(hall, kiosk, { serviceId: 'query' });

    const console7 = await openPage(browser, `${hall.url}/counter`, { width: 1366, height: 900 }, errors);
    await login(console7, 'li', 'staff-password');
    await console7.waitForSelector('.c-counter b:has-text("7号窗口")');
    const display7 = await openPage(
      browser,
      `${hall.url}/display/counter/7?token=${sign}`,
      { width: 1280, height: 720 },
      errors,
    );
    await display7.waitForSelector('.cd-welcome');
    const board = await openPage(
      browser,
      `${hall.url}/display?token=${boardToken}&speech=off`,
      { width: 1920, height: 1080 },
      errors,
    );
    await board.waitForSelector('.d-wait[data-service="query"]');
    expect(await console7.isHidden('#hall-notes')).toBe(true);

    // The manager forces counter 7 closed with people waiting; at 17:30 the hall enters extended service.
    expectOk(await hall.api('POST', `${V1}/counters/7/close`, { force: true }, hall.managerToken));
    clock.set('2026-03-02T17:30:00+08:00');
    await tick();

    await console7.waitForSelector('#hall-notes .c-note-extended');
    expect(await console7.textContent('#hall-notes .c-note-extended')).toContain('延时服务中（至 18:30）');
    await console7.waitForSelector('#hall-notes .c-note-unserved[data-service="query"]');
    expect(await console7.textContent('.c-note-unserved')).toBe(
      '登记资料查询：2 人等候，没有开放的窗口办理。请开放本窗口，或联系值班负责人安排。',
    );
    await expectAxeClean(console7);
    if (process.env.HALLQ_SCREENSHOTS) await console7.screenshot({ path: 'docs/screenshots/counter-hall-notes.png' });

    await display7.waitForSelector('#cd-extended');
    expect(await display7.textContent('#cd-extended')).toBe('延时服务中，已取号码继续办理（至 18:30）');
    await display7.waitForSelector('#cd-hint:has-text("请稍候，工作人员正在安排窗口办理")');
    await expectAxeClean(display7);

    await board.waitForSelector('.d-extended:not([hidden])');
    await board.waitForSelector(
      '.d-wait.unserved[data-service="query"] .d-wait-eta:has-text("暂无窗口，请咨询导办台")',
    );
    expect(await board.locator('.d-wait.unserved').count()).toBe(1);

    // Counter 7 opens again: nobody is left unserved; extended service goes on.
    expectOk(await hall.api('POST', `${V1}/counters/7/open`, {}, li));
    await console7.waitForSelector('.c-note-unserved', { state: 'detached' });
    expect(await console7.isVisible('.c-note-extended')).toBe(true);
    await display7.waitForSelector('#cd-hint', { state: 'detached' });
    await board.waitForSelector('.d-wait.unserved', { state: 'detached' });
    expect(await board.textContent('.d-wait[data-service="query"] .d-wait-eta')).toMatch(/约\d+分钟/);
    expect(errors).toEqual([]);
  });

  it('the morning after, a ticket’s phone page shows the slot it was booked and its code', async () => {
    // Extended service ends with the two query tickets still waiting: each is booked a slot of the next working day.
    const waiting = (
      await hall.api('GET', `${V1}/tickets?status=waiting&serviceId=query`, undefined, hall.managerToken)
    ).body.tickets;
    expect(waiting).toHaveLength(2);
    clock.set('2026-03-02T18:30:00+08:00');
    await tick();
    const ticket = (await hall.api('GET', `${V1}/tickets/${waiting[1].id}`)).body.ticket;
    expect(ticket.offeredSlot.slotStart).toBe('2026-03-03T00:30:00.000Z');
    clock.set('2026-03-03T08:10:00+08:00');
    hall.running.hall.startDayIfNeeded();

    const phone = await openPage(browser, `${hall.url}/t/${ticket.id}`, { width: 390, height: 844 }, []);
    const text = await (await phone.waitForSelector('#ph-past-slot')).textContent();
    expect(text).toContain(`号码 ${ticket.number} 已过当日有效期`);
    expect(text).toContain(ticket.offeredSlot.code);
    expect(text).toContain('08:30');
    await expectAxeClean(phone);
  });
});
