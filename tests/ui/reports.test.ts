/**
 * The dashboard's reports tab in Chromium against a real server: the frozen daily reports of the last days as a chart
 * and a table, a CSV downloaded from it, and the warning (and the tab's badge) when the nightly backup failed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, issue, manualClock, renewManagerToken, serveNext, V1 } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { axeSerious, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

const DAY = 24 * 60 * 60 * 1000;
let hall: TestHall;
let browser: Browser;
let usb: string;
const errors: string[] = [];
// Two days ago, so that yesterday's and the day before's reports fall in the dashboard's last 30 days.
const clock = manualClock(new Date(Date.now() - 2 * DAY).toISOString());

beforeAll(async () => {
  ensureUiBuilt();
  usb = mkdtempSync(join(tmpdir(), 'hallq-ui-usb-'));
  const notMounted = join(usb, 'disk');
  writeFileSync(notMounted, 'the USB disk is not mounted');
  hall = await startTestHall({ clock: clock.clock, env: { BACKUP_DIR: notMounted, BACKUP_SAME_DISK: '1' } });
  const staff = await hall.staffAt('7', 'zhao');
  for (let i = 0; i < 3; i++) await issue(hall, hall.managerToken, { serviceId: 'query' });
  await serveNext(hall, '7', staff);
  await serveNext(hall, '7', staff);
  clock.advance(24 * 60);
  hall.running.hall.startDayIfNeeded();
  await renewManagerToken(hall);
  await issue(hall, hall.managerToken, { serviceId: 'query' });
  clock.set(new Date().toISOString());
  hall.running.hall.startDayIfNeeded();
  await renewManagerToken(hall);
  expect((await hall.api('POST', `${V1}/backups`, undefined, hall.managerToken)).status).toBe(503);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
  rmSync(usb, { recursive: true, force: true });
});

describe('reports and backups on the dashboard', () => {
  it('shows the daily history with a chart, downloads a CSV, and warns of the failed backup', async () => {
    const reports = await hall.api('GET', `${V1}/reports?kind=daily`, undefined, hall.managerToken);
    expectOk(reports);
    const periods = reports.body.reports.map((r: any) => r.period);
    expect(periods).toHaveLength(2);

    const page = await openPage(browser, `${hall.url}/manager#reports`, { width: 1600, height: 1000 }, errors);
    await login(page, 'boss', 'boss-password');
    await page.waitForSelector('#daily-reports');
    const row = (p: string) => `#daily-reports tr[data-period="${p}"]`;
    // Newest first; the day with two served and one ticket closed at the day's end.
    expect(
      await page.$$eval('#daily-reports tbody tr', (rows) => rows.map((r) => r.getAttribute('data-period'))),
    ).toEqual([...periods].reverse());
    expect(await page.$$eval(`${row(periods[0])} td`, (tds) => tds.slice(1, 4).map((t) => t.textContent))).toEqual([
      '3',
      '2',
      '0',
    ]);
    const chart = await page.getAttribute('.reports svg.chart', 'aria-label');
    expect(chart).toContain('每日办结与过号');
    expect(await page.$$eval('.reports svg.chart rect.bar', (bars) => bars.length)).toBe(4);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${row(periods[0])} .csv`)]);
    expect(download.suggestedFilename()).toBe(`hallq-daily-${periods[0]}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(`hall,yunfu-realestate,${periods[0]},3,2,0,0,1,`);

    // The failed backup: a warning in the card and a badge on the tab.
    expect(await page.textContent('#backup-failed')).toContain('备份失败');
    expect(await page.textContent('[data-count="reports"]')).toBe('1');
    expect(await page.textContent('#backup-last')).toContain('尚无备份');
    // `HALLQ_SCREENSHOT_DIR=docs/screenshots npx vitest run tests/ui/reports.test.ts` renews the docs' picture.
    if (process.env.HALLQ_SCREENSHOT_DIR)
      await page.screenshot({ path: join(process.env.HALLQ_SCREENSHOT_DIR, 'manager-reports.png') });
    expect(await axeSerious(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
