/**
 * The city's other sites on the kiosk and the phone page (R16, docs/city.md): with a city link, "中心大厅 当前等候
 * 3 人，约 10 分钟" from GET /city/nearby (stubbed here: the city itself is in tests/city); without one, nothing.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { axeSerious, ensureUiBuilt, launchChromium, openPage } from './browser.js';

const NEARBY = {
  enabled: true,
  at: new Date().toISOString(),
  sites: [
    { id: 'yunfu-central', name: '中心大厅', kind: 'hall', waiting: 3, openCounters: 4, etaMinutes: 10 },
    { id: 'yunfu-point-liudu', name: '六都镇便民服务点', kind: 'point', waiting: 0, openCounters: 1, etaMinutes: 0 },
    { id: 'yunfu-district-2', name: '区分中心', kind: 'hall', waiting: 7, openCounters: 0, etaMinutes: 70 },
  ],
};

let hall: TestHall;
let browser: Browser;
let kioskToken: string;
const errors: string[] = [];

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  kioskToken = (await hall.device('kiosk-1', 'kiosk')).token;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

/** Opens `path`, with GET /city/nearby answered by `answer` (undefined: the real server's, which has no city link). */
async function open(path: string, answer?: unknown): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1080, height: 1920 }, locale: 'zh-CN' });
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  if (answer) await page.route('**/api/v1/city/nearby', (r) => r.fulfill({ json: answer }));
  const nearbyAsked = page.waitForResponse((r) => r.url().endsWith('/api/v1/city/nearby'));
  await page.goto(hall.url + path);
  await nearbyAsked;
  return page;
}

const lines = (page: Page) => page.$$eval('#nearby .nearby-site', (els) => els.map((e) => e.textContent?.trim()));

describe('nearby sites', () => {
  it('the kiosk shows the other sites’ waiting and wait, and passes axe', async () => {
    const kiosk = await open(`/kiosk?token=${kioskToken}`, NEARBY);
    await kiosk.waitForSelector('#nearby:not([hidden]) .nearby-site');
    expect(await kiosk.textContent('#nearby-title')).toBe('附近网点排队情况');
    expect(await lines(kiosk)).toEqual([
      '中心大厅 当前等候 3 人，约 10 分钟',
      '六都镇便民服务点（便民服务点） 当前无人等候',
      '区分中心 暂无窗口办理',
    ]);
    expect(await axeSerious(kiosk)).toEqual([]);
    await kiosk.close();
  });

  it('the phone page of a waiting ticket shows them too, and passes axe', async () => {
    const ticket = await issue(hall, kioskToken, { serviceId: 'one-window' });
    const phone = await open(`/t/${ticket.id}`, NEARBY);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.waitForSelector('#ph-number');
    await phone.waitForSelector('#nearby:not([hidden]) .nearby-site');
    expect((await lines(phone))[0]).toBe('中心大厅 当前等候 3 人，约 10 分钟');
    expect(await axeSerious(phone)).toEqual([]);
    await phone.close();
  });

  it('says how far a site is when the server gave its distance', async () => {
    const located = {
      ...NEARBY,
      sites: [{ ...NEARBY.sites[1], distanceKm: 15.5 }, { ...NEARBY.sites[0], distanceKm: 3.2 }, NEARBY.sites[2]],
    };
    const kiosk = await open(`/kiosk?token=${kioskToken}`, located);
    await kiosk.waitForSelector('#nearby:not([hidden]) .nearby-site');
    expect(await lines(kiosk)).toEqual([
      '六都镇便民服务点（便民服务点） 距此约 15.5 公里，当前无人等候',
      '中心大厅 距此约 3.2 公里，当前等候 3 人，约 10 分钟',
      '区分中心 暂无窗口办理',
    ]);
    await kiosk.close();
  });

  it('shows nothing without a city link', async () => {
    const kiosk = await open(`/kiosk?token=${kioskToken}`);
    await kiosk.waitForSelector('[data-service="one-window"]');
    expect(await kiosk.$eval('#nearby', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(await kiosk.isVisible('#nearby')).toBe(false);
    await kiosk.close();
    expect(errors).toEqual([]);
  });
});
