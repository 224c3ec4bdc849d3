/**
 * The kiosk when asking for a number goes wrong (QA-L). A request that got no answer, although the server issued the
 * number (Wi-Fi gone at the wrong moment): it asks once more with the same Idempotency-Key and shows that number — one
 * number, not a second one called later to nobody. A refusal while a playbook holds issuing: gone at the all-clear.
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

describe('kiosk refused during a playbook', () => {
  it('takes the "no numbers now" refusal away at the all-clear', async () => {
    await kiosk.unroute('**/api/v1/tickets');
    await kiosk.click('#done').catch(() => undefined); // back to the start, if the last test left a number shown
    await kiosk.waitForSelector('[data-service="query"]');
    const manager = hall.managerToken;
    expect((await hall.api('POST', '/api/v1/emergency/activate', { playbookId: 'fire' }, manager)).status).toBe(200);
    await kiosk.waitForFunction(() => document.body.textContent?.includes('撤离'));
    await kiosk.click('[data-service="query"]');
    await kiosk.click('#take-number');
    await kiosk.waitForSelector('.refusal [data-code="HALL_CLOSED"]');
    expect((await hall.api('POST', '/api/v1/emergency/deactivate', { playbookId: 'fire' }, manager)).status).toBe(200);
    await kiosk.waitForSelector('.refusal', { state: 'detached', timeout: 5_000 });
  });
});
