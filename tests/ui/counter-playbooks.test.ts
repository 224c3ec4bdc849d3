/**
 * Playbooks on the counter console, in Chromium: a manager signed in at a counter answers a trigger's proposal in one
 * tap (and sees it go when answered elsewhere or lapsed); staff without the manager role never see one; the staff a
 * standby counter names are told to open it while the playbook lasts, and sign in there in one tap; while the queue
 * is frozen the calling buttons are off, saying why, and on again after the all-clear.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { loadHallFile } from '../../server/config/load-hall.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { callNext, expectError, expectOk, issue, manualClock, MONDAY_10, newStaffAt, V1 } from '../api/support.js';
import { axeSerious, describeViolations, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

const clock = manualClock(MONDAY_10);
let hall: TestHall;
let browser: Browser;
let button: MqttClient;
let presses = 0;
const errors: string[] = [];
const desk = { width: 1366, height: 900 };

beforeAll(async () => {
  ensureUiBuilt();
  const file = loadHallFile();
  hall = await startTestHall({
    clock: clock.clock,
    hallFile: {
      ...file,
      counters: file.counters.map((c) => (c.id === '11' ? { ...c, standby: true, backupStaff: ['wang'] } : c)),
    },
  });
  const reg = await hall.device('btn-3', 'button', { counterId: '3' });
  button = mqtt.connect(hall.running.mqttUrl, {
    username: reg.mqtt.username,
    password: reg.mqtt.password,
    clientId: reg.mqtt.username,
    reconnectPeriod: 0,
  });
  await new Promise((r) => button.once('connect', r));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  button?.end(true);
  await browser?.close();
  await hall?.stop();
});

/** The emergency button at counter 3: the fight playbook's trigger, set to `propose`. */
async function pressEmergency(): Promise<{ id: string }> {
  const t = topics('yunfu-realestate');
  button.publish(t.deviceEvt('btn-3', 'press'), JSON.stringify({ id: `p${++presses}`, button: 'emergency' }), {
    qos: 1,
  });
  return until('a proposal', async () => {
    const r = await hall.api('GET', `${V1}/emergency`, undefined, hall.managerToken);
    return r.body.proposals.find((p: any) => p.playbookId === 'fight');
  });
}

async function consoleAt(username: string, password: string, counterId?: string): Promise<Page> {
  const page = await openPage(browser, 'about:blank', desk, errors);
  // The console reads the server's clock from the Date header: let it carry the hall's hand-turned clock.
  await page.route(/\/api\/v1\//, async (route) => {
    try {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), date: new Date(clock.now).toUTCString() } });
    } catch {
      // The test closed the page while this request was in flight: there is nobody left to answer.
      await route.abort().catch(() => undefined);
    }
  });
  await page.goto(`${hall.url}/counter`);
  await login(page, username, password);
  if (counterId) await page.click(`.pick-card[data-counter="${counterId}"]`);
  await page.waitForSelector('.c-counter b');
  return page;
}

const activeIds = async () =>
  (await hall.api('GET', `${V1}/emergency`, undefined, hall.managerToken)).body.active.map(
    (p: { playbookId: string }) => p.playbookId,
  );

describe('playbooks on the counter console', () => {
  it('a manager at a counter confirms or dismisses a proposal in one tap; other staff never see it', async () => {
    const li = await newStaffAt(hall, '7', 'li');
    const staffPage = await consoleAt('li', 'staff-password');
    const boss = await consoleAt('boss', 'boss-password', '3');

    const first = await pressEmergency();
    const card = `.c-proposal[data-proposal="${first.id}"]`;
    await boss.waitForSelector(card, { timeout: 15_000 });
    expect(await boss.textContent(card)).toContain('系统建议启动预案：打架斗殴');
    expect(await boss.textContent(card)).toContain('由设备 btn-3 触发');
    const v = await axeSerious(boss);
    expect(v, describeViolations(v)).toEqual([]);
    // Staff without the manager role: not on their console, not in their answer, and refused.
    expect(await staffPage.$('.c-proposal')).toBeNull();
    expect((await hall.api('GET', `${V1}/emergency`, undefined, li)).body.proposals).toEqual([]);
    expectError(await hall.api('POST', `${V1}/emergency/proposals/${first.id}/confirm`, {}, li), 403, 'FORBIDDEN');

    await boss.click(`#c-confirm-${first.id}`);
    await boss.waitForSelector(card, { state: 'detached' });
    expect(await activeIds()).toContain('fight');
    expectOk(await hall.api('POST', `${V1}/emergency/deactivate`, { playbookId: 'fight' }, hall.managerToken));

    // Dismissed on the console.
    const second = await pressEmergency();
    await boss.waitForSelector(`#c-dismiss-${second.id}`, { timeout: 15_000 });
    await boss.click(`#c-dismiss-${second.id}`);
    await boss.waitForSelector(`[data-proposal="${second.id}"]`, { state: 'detached' });
    expect(await activeIds()).not.toContain('fight');
    await staffPage.close();
    await boss.close();
    expect(errors).toEqual([]);
  });

  it('takes a proposal off the console and the dashboard when it is answered elsewhere or lapses', async () => {
    const boss = await consoleAt('boss', 'boss-password');
    const dashboard = await openPage(browser, `${hall.url}/manager`, desk, errors);
    await login(dashboard, 'boss', 'boss-password');
    await dashboard.click('a[data-tab="emergency"]');
    await dashboard.waitForSelector('.m-playbook');

    // Dismissed on the dashboard: it goes from the console too.
    const third = await pressEmergency();
    await boss.waitForSelector(`[data-proposal="${third.id}"]`, { timeout: 15_000 });
    await dashboard.click(`#dismiss-${third.id}`);
    await boss.waitForSelector(`[data-proposal="${third.id}"]`, { state: 'detached', timeout: 15_000 });

    // Confirmed on the console: it goes from the open dashboard, which shows the playbook active.
    const fourth = await pressEmergency();
    await dashboard.waitForSelector(`.m-proposal[data-proposal="${fourth.id}"]`, { timeout: 15_000 });
    await boss.click(`#c-confirm-${fourth.id}`);
    await dashboard.waitForSelector(`.m-proposal[data-proposal="${fourth.id}"]`, {
      state: 'detached',
      timeout: 15_000,
    });
    await dashboard.waitForSelector('#deactivate-fight');
    expectOk(await hall.api('POST', `${V1}/emergency/deactivate`, { playbookId: 'fight' }, hall.managerToken));

    // Lapsed: ten minutes on, nobody answered.
    const fifth = await pressEmergency();
    await boss.waitForSelector(`[data-proposal="${fifth.id}"]`, { timeout: 15_000 });
    clock.advance(11);
    await boss.waitForSelector(`[data-proposal="${fifth.id}"]`, { state: 'detached', timeout: 20_000 });
    await dashboard.waitForSelector(`.m-proposal[data-proposal="${fifth.id}"]`, { state: 'detached', timeout: 15_000 });
    await dashboard.close();
    await boss.close();
    expect(errors).toEqual([]);
  });

  it('tells the staff a standby counter names to open it while the playbook lasts; one tap signs them in', async () => {
    await newStaffAt(hall, '10', 'wang');
    const wang = await consoleAt('wang', 'staff-password');
    const li = await consoleAt('li', 'staff-password');
    const surge = (path: 'activate' | 'deactivate') =>
      hall.api('POST', `${V1}/emergency/${path}`, { playbookId: 'surge' }, hall.managerToken);

    expectOk(await surge('activate'));
    const note = '.c-standby[data-counter="11"]';
    await wang.waitForSelector(note);
    expect(await wang.textContent(note)).toContain('请开启11号窗口：业务量激增已启动');
    const v = await axeSerious(wang);
    expect(v, describeViolations(v)).toEqual([]);
    expect(await li.$('.c-standby')).toBeNull();
    expectOk(await surge('deactivate'));
    await wang.waitForSelector(note, { state: 'detached' });

    expectOk(await surge('activate'));
    await wang.click('#standby-sign-in-11');
    await wang.waitForSelector('.c-counter b:has-text("11号窗口")');
    await wang.waitForSelector('.c-playbooks .banner-line');
    expect(await wang.$('.c-standby')).toBeNull();
    expectOk(await surge('deactivate'));
    await wang.close();
    await li.close();
    expect(errors).toEqual([]);
  });

  it('turns the calling buttons off while the queue is frozen, saying why, and on again after the all-clear', async () => {
    const zhou = await newStaffAt(hall, '8', 'zhou');
    await newStaffAt(hall, '4', 'qian');
    await issue(hall, (await hall.device('kiosk-pb', 'kiosk')).token, { serviceId: 'payment' });
    await callNext(hall, '8', zhou);
    const called = await consoleAt('zhou', 'staff-password');
    const idle = await consoleAt('qian', 'staff-password');
    await called.waitForSelector('#act-recall:enabled');
    await idle.waitForSelector('#act-call-next:enabled');
    const fire = (path: 'activate' | 'deactivate') =>
      hall.api('POST', `${V1}/emergency/${path}`, { playbookId: 'fire' }, hall.managerToken);

    expectOk(await fire('activate'));
    await called.waitForSelector('#act-recall:disabled', { timeout: 15_000 });
    await idle.waitForSelector('#act-call-next:disabled', { timeout: 15_000 });
    for (const [page, ids] of [
      [called, ['recall', 'no-show']],
      [idle, ['call-next', 'call-oot']],
    ] as const)
      for (const id of ids) {
        expect(await page.isDisabled(`#act-${id}`), id).toBe(true);
        expect(await page.getAttribute(`#act-${id}`, 'title')).toContain('排队已冻结');
        expect(await page.getAttribute(`#act-${id}`, 'aria-describedby')).toBe('c-frozen');
      }
    expect(await called.isVisible('#c-frozen')).toBe(true);
    // Starting to serve the one already called is no call: it stays possible.
    expect(await called.isDisabled('#act-start')).toBe(false);
    // The key does nothing either: the console does not even ask (the server would refuse it anyway).
    const asked = idle.waitForRequest(/\/call-next/, { timeout: 1500 }).then(
      () => true,
      () => false,
    );
    await idle.keyboard.press('n');
    expect(await asked).toBe(false);
    expect((await hall.api('GET', `${V1}/counters/4/queue`, undefined, hall.managerToken)).body.current).toBeNull();

    expectOk(await fire('deactivate'));
    await called.waitForSelector('#act-recall:enabled', { timeout: 15_000 });
    await idle.waitForSelector('#act-call-next:enabled', { timeout: 15_000 });
    expect(await called.isDisabled('#act-no-show')).toBe(false);
    expect(await idle.getAttribute('#act-call-next', 'title')).toBe('');
    expect(await idle.isHidden('#c-frozen')).toBe(true);
    await called.close();
    await idle.close();
    expect(errors).toEqual([]);
  });
});
