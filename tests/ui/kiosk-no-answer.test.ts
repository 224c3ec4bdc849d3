/**
 * The kiosk whose request for a number got no answer, although the server issued it (Wi-Fi gone at the wrong moment,
 * QA-L): it asks once more with the same Idempotency-Key and shows that number — one number, not a second one that
 * would later be called to nobody.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ensureUiBuilt, launchChromium, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
let kiosk: Page;

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall();
  const token = (await hall.device('kiosk-1', 'kiosk')).token;
  browser = await launchChromium();
  kiosk = await openPage(browser, `${hall.url}/kiosk?token=${token}`, { width: 1080, height: 1920 }, []);
  await kiosk.waitForSelector('[data-service="query"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('kiosk with a request that got no answer', () => {
  it('shows the number the server issued, and there is one', async () => {
    const keys: string[] = [];
    let lost = 0;
    await kiosk.route('**/api/v1/tickets', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      // The first reaches the server, which issues the number; its answer is lost on the way back.
      if (lost++ === 0) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await kiosk.click('[data-service="query"]');
    await kiosk.click('#take-number');
    await kiosk.waitForSelector('.k-number', { timeout: 15_000 });
    const shown = await kiosk.textContent('.k-number');
    const tickets = (await hall.api('GET', '/api/v1/tickets?serviceId=query', undefined, hall.managerToken)).body
      .tickets;
    expect(tickets.map((t: { number: string }) => t.number)).toEqual([shown]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});
