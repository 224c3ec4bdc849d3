/**
 * Two playbooks at once on every screen, in Chromium: the hall board, a counter display, the kiosk (why it does not
 * issue and what to do), the phone page and the counter console stack both banners, the life-safety one on top,
 * a drill's marked 【演练】; ending one leaves the other's exactly as it was. The manager dashboard's red bar lists
 * every active playbook, bannerless ones too, most severe first.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectOk, issue, V1 } from '../api/support.js';
import { axeSerious, describeViolations, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];
const screens: Record<string, Page> = {};

const FIRE = '请按疏散指示有序撤离，已取号码当日有效';
const ILLNESS_DRILL = '【演练】现场有群众突发疾病，正在救治，请保持通道畅通';

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  browser = await launchChromium();
  const zhao = await hall.staffAt('1', 'zhao');
  const kiosk = (await hall.device('kiosk-1', 'kiosk')).token;
  const board = (await hall.device('display-1', 'display')).token;
  const ticket = await issue(hall, kiosk, { serviceId: 'one-window' });
  expectOk(await hall.api('POST', `${V1}/counters/1/call-next`, {}, zhao));
  const wide = { width: 1600, height: 900 };
  screens.board = await openPage(browser, `${hall.url}/display?token=${board}&speech=off`, wide, errors);
  screens.counterDisplay = await openPage(
    browser,
    `${hall.url}/display/counter/1`,
    { width: 1280, height: 720 },
    errors,
  );
  screens.kiosk = await openPage(browser, `${hall.url}/kiosk?token=${kiosk}`, { width: 1080, height: 1920 }, errors);
  screens.phone = await openPage(browser, `${hall.url}/t/${ticket.id}`, { width: 390, height: 844 }, errors);
  screens.console = await openPage(browser, `${hall.url}/counter`, wide, errors);
  await login(screens.console, 'zhao', 'staff-password');
  await screens.console.waitForSelector('.c-counter b');
  await screens.kiosk.waitForSelector('.svc-card');
  await screens.phone.waitForSelector('#ph-number');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

/** The banner lines a screen shows, top first ([] when its banner is hidden). */
async function bannerLines(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.emergency-banner:not([hidden]) .banner-line')].map(
      (l) => l.textContent ?? '',
    ),
  );
}

/** Waits (a while) until the page shows exactly these banner lines; the caller's expect says what differs if not. */
async function settleOn(page: Page, lines: string[]): Promise<void> {
  await page
    .waitForFunction(
      (want) =>
        JSON.stringify(
          [...document.querySelectorAll<HTMLElement>('.emergency-banner:not([hidden]) .banner-line')].map(
            (l) => l.textContent ?? '',
          ),
        ) === want,
      JSON.stringify(lines),
      { timeout: 8000 },
    )
    .catch(() => undefined);
}

async function expectEverywhere(lines: string[]): Promise<void> {
  for (const [name, page] of Object.entries(screens)) {
    await settleOn(page, lines);
    expect({ name, lines: await bannerLines(page) }).toEqual({ name, lines });
  }
}

const manager = (path: string, body: object) => hall.api('POST', `${V1}/emergency/${path}`, body, hall.managerToken);

describe('stacked banners on every screen', () => {
  it('shows both playbooks, life-safety on top and the drill marked, then each one alone', async () => {
    expectOk(await manager('activate', { playbookId: 'illness', drill: true }));
    await expectEverywhere([ILLNESS_DRILL]);
    expect(await screens.kiosk.isHidden('.k-notice')).toBe(true);

    expectOk(await manager('activate', { playbookId: 'fire' }));
    await expectEverywhere([FIRE, ILLNESS_DRILL]);
    // The kiosk says why it issues no numbers and what to do.
    await screens.kiosk.waitForSelector('.k-notice:not([hidden])');
    const notice = await screens.kiosk.textContent('.k-notice');
    expect(notice).toBe('因火灾疏散，大厅暂停取号。已取号码继续有效，请听从现场工作人员指引。');
    // Two banners above it, the counter display still shows its number and its foot on screen.
    await screens.counterDisplay.waitForSelector('#cd-number');
    const footBottom = await screens.counterDisplay.$eval('.cd-foot', (f) => f.getBoundingClientRect().bottom);
    expect(footBottom).toBeLessThanOrEqual(720);
    for (const name of ['kiosk', 'console', 'phone'] as const) {
      const v = await axeSerious(screens[name]);
      expect(v, `${name}\n${describeViolations(v)}`).toEqual([]);
    }

    // Fire freezes the queue: the console says so, and its recall button is off with that reason.
    await screens.console.waitForSelector('.c-frozen:not([hidden])');
    await screens.console.waitForSelector('#act-recall:disabled');
    expect(await screens.console.getAttribute('#act-recall', 'title')).toContain('排队已冻结');
    // Fire must be acknowledged: the console asks, and one tap records it.
    await screens.console.click('#c-ack-fire');
    await screens.console.waitForSelector('.c-ack', { state: 'detached' });
    const fire = (await hall.api('GET', `${V1}/emergency`, undefined, hall.managerToken)).body.active.find(
      (p: { playbookId: string }) => p.playbookId === 'fire',
    );
    expect(fire.acknowledgements).toHaveLength(1);

    expectOk(await manager('deactivate', { playbookId: 'fire' }));
    await expectEverywhere([ILLNESS_DRILL]);
    await screens.kiosk.waitForSelector('.k-notice', { state: 'hidden' });

    expectOk(await manager('activate', { playbookId: 'overcrowding' }));
    await screens.kiosk.waitForSelector('.k-notice:not([hidden])');
    expect(await screens.kiosk.textContent('.k-notice')).toBe(
      '因人群过度密集，当前仅办理预约报到，暂停现场取号。已预约的群众请点击“预约报到”，未预约的请改约其他时段。',
    );
    expectOk(await manager('deactivate', { playbookId: 'overcrowding' }));
    expectOk(await manager('deactivate', { playbookId: 'illness' }));
    await expectEverywhere([]);
    expect(errors).toEqual([]);
  });

  it("lists every active playbook in the dashboard's red bar, most severe first, then only those left", async () => {
    const dashboard = await openPage(browser, `${hall.url}/manager`, { width: 1366, height: 900 }, errors);
    await login(dashboard, 'boss', 'boss-password');
    await dashboard.waitForSelector('.m-page');
    const expectBar = async (lines: string[]) => {
      await settleOn(dashboard, lines);
      expect(await bannerLines(dashboard)).toEqual(lines);
    };

    expectOk(await manager('activate', { playbookId: 'illness', drill: true }));
    expectOk(await manager('activate', { playbookId: 'fight' })); // no public banner: the manager must still see it
    expectOk(await manager('activate', { playbookId: 'fire' }));
    const fire = `应急预案执行中：火灾疏散 — ${FIRE}`;
    const illness = `应急预案执行中：【演练】突发疾病 — ${ILLNESS_DRILL}`;
    const fight = '应急预案执行中：打架斗殴';
    await expectBar([fire, illness, fight]);
    expect(await dashboard.textContent('[data-count="emergency"]')).toBe('3');
    const v = await axeSerious(dashboard);
    expect(v, describeViolations(v)).toEqual([]);

    expectOk(await manager('deactivate', { playbookId: 'fire' }));
    await expectBar([illness, fight]);
    expectOk(await manager('deactivate', { playbookId: 'illness' }));
    expectOk(await manager('deactivate', { playbookId: 'fight' }));
    await expectBar([]);
    expect(await dashboard.isHidden('.m-banner')).toBe(true);
    await dashboard.close();
    expect(errors).toEqual([]);
  });
});
