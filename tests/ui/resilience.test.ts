/**
 * The screens when the network or the timing is not kind: a kiosk whose ticket preview hangs keeps issuing; an API
 * answer whose body stalls times out; events replayed after a reconnect are shown but not announced, asked about or
 * toasted; a silently dead stream is noticed and resumed; a new hall day replaces the board even when another event
 * follows at once.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { ROOT, ensureUiBuilt, launchChromium, login, openPage } from './browser.js';

let hall: TestHall;
let browser: Browser;
const errors: string[] = [];
/** The hall's clock runs this far from real time (the HTTP Date header, which screens read, stays real). */
let offsetMs = 0;
let staff: string;
let padToken: string;
let kioskToken: string;

/**
 * Page-side controls of the stream, as plain JS (it runs in the page before any script):
 * __hold: new WebSockets fail as on a dead network; __mute: nothing from the server reaches the page;
 * __batch: messages wait in __queue until __flush() hands them all over in one go (as from one network read);
 * __inject(msg): a message as if from the server; __sockets/__attempts/__events: what happened;
 * __spoken: what the page said aloud; __toasts: every toast shown.
 */
const CONTROLS = `(() => {
  const w = window;
  const Native = w.WebSocket;
  Object.assign(w, { __attempts: [], __sockets: [], __events: [], __spoken: [], __toasts: [], __queue: [], __hold: false, __mute: false, __batch: false });
  class Controlled extends Native {
    constructor(url, protocols) {
      w.__attempts.push(String(url));
      if (w.__hold) throw new DOMException('network down (test)', 'NetworkError');
      super(url, protocols);
      w.__sockets.push(this);
      this.addEventListener('message', (ev) => {
        if (w.__mute) return;
        try {
          const m = JSON.parse(ev.data);
          if (m.type === 'event') w.__events.push({ type: m.event.type, number: m.event.ticket ? m.event.ticket.number : null });
        } catch {}
      });
    }
    set onmessage(fn) {
      this.__app = fn;
      super.onmessage = fn
        ? (ev) => {
            if (w.__mute) return;
            if (w.__batch) w.__queue.push(() => fn.call(this, ev));
            else fn.call(this, ev);
          }
        : null;
    }
    get onmessage() {
      return this.__app || null;
    }
  }
  w.WebSocket = Controlled;
  w.__flush = () => {
    w.__batch = false;
    for (const deliver of w.__queue.splice(0)) deliver();
  };
  w.__inject = (msg) => {
    const s = w.__sockets[w.__sockets.length - 1];
    if (s && s.__app) s.__app(new MessageEvent('message', { data: JSON.stringify(msg) }));
  };
  if (w.speechSynthesis) {
    w.speechSynthesis.speak = (u) => {
      w.__spoken.push(u.text);
      setTimeout(() => u.onend && u.onend(new Event('end')), 20);
    };
  }
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.classList && n.classList.contains('toast')) w.__toasts.push(n.textContent);
  }).observe(document, { subtree: true, childList: true });
})();`;

type Controls = {
  __attempts: string[];
  __sockets: WebSocket[];
  __events: { type: string; number: string | null }[];
  __spoken: string[];
  __toasts: string[];
  __queue: unknown[];
  __hold: boolean;
  __mute: boolean;
  __batch: boolean;
  __flush(): void;
  __inject(msg: unknown): void;
};

async function controlled(url: string, viewport = { width: 1280, height: 800 }, clock = false): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  if (clock) await page.clock.install();
  await page.addInitScript({ content: CONTROLS });
  await page.goto(url);
  return page;
}

const setFlag = (page: Page, name: '__hold' | '__mute' | '__batch', on: boolean) =>
  page.evaluate(([n, v]) => ((window as unknown as Record<string, boolean>)[n] = v), [name, on] as const);
const attempts = (page: Page) => page.evaluate(() => (window as unknown as Controls).__attempts);
const spoken = (page: Page) => page.evaluate(() => (window as unknown as Controls).__spoken);
const toasts = (page: Page) => page.evaluate(() => (window as unknown as Controls).__toasts);
const events = (page: Page) => page.evaluate(() => (window as unknown as Controls).__events);
/** Cuts the page's stream, as a dropped network would, and keeps it down until released. */
async function cut(page: Page): Promise<void> {
  await setFlag(page, '__hold', true);
  await page.evaluate(() => {
    const s = (window as unknown as Controls).__sockets;
    s[s.length - 1].close();
  });
}

beforeAll(async () => {
  ensureUiBuilt();
  hall = await startTestHall({ clock: () => Date.now() + offsetMs });
  browser = await launchChromium();
  staff = await hall.staffAt('3', 'wang3');
  padToken = (await hall.device('pad-3', 'pad', { counterId: '3' })).token;
  kioskToken = (await hall.device('kiosk-1', 'kiosk')).token;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hall?.stop();
});

describe('the kiosk when the ticket preview hangs', () => {
  async function kioskWithHangingPreview(): Promise<{ page: Page; hang: { on: boolean } }> {
    const page = await openPage(
      browser,
      `${hall.url}/kiosk?token=${kioskToken}`,
      { width: 1080, height: 1920 },
      errors,
    );
    const hang = { on: true };
    // A preview that never answers (the route is simply never fulfilled); later ones pass when hang.on is false.
    await page.route('**/ticket.svg', (route) => (hang.on ? undefined : route.continue()));
    await page.waitForSelector('[data-service="one-window"]');
    return { page, hang };
  }

  async function take(page: Page): Promise<{ id: string; number: string }> {
    await page.click('[data-service="one-window"]');
    const issued = page.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST', {
      timeout: 4000,
    });
    await page.click('#take-number');
    return (await (await issued).json()).ticket;
  }

  it('shows the number without the preview after 5 s instead of waiting for ever', async () => {
    const { page } = await kioskWithHangingPreview();
    const t0 = Date.now();
    const ticket = await take(page);
    await page.waitForSelector('.k-number', { timeout: 8000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4500);
    expect(await page.textContent('.k-number')).toBe(ticket.number);
    expect(await page.$('.ticket-missing')).not.toBeNull();
    await page.close();
  });

  it('after the idle reset the next visitor can take a number, and the last visitor’s ticket never shows up', async () => {
    await kioskWithClock(async (page, hang) => {
      const first = await take(page); // its preview hangs: the kiosk stays on the service screen, busy
      await page.waitForTimeout(300);
      expect(await page.$('.k-number')).toBeNull();
      await page.clock.fastForward(46_000); // nobody touches the screen: the idle reset goes back to the start
      await page.waitForSelector('.k-services');
      hang.on = false;
      const second = await take(page); // the next visitor: not refused by a busy flag left behind
      await page.waitForSelector('.k-number');
      expect(await page.textContent('.k-number')).toBe(second.number);
      // The first preview gives up (5 s); its late answer must not replace the second visitor's ticket.
      await page.waitForTimeout(5500);
      expect(await page.textContent('.k-number')).toBe(second.number);
      expect(await page.textContent('#app')).not.toContain(first.number);
    });
  }, 30_000);

  async function kioskWithClock(run: (page: Page, hang: { on: boolean }) => Promise<void>): Promise<void> {
    const page = await browser.newPage({
      viewport: { width: 1080, height: 1920 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page.setDefaultTimeout(8000);
    page.on('pageerror', (e) => errors.push(`kiosk: ${e.message}`));
    await page.clock.install();
    const hang = { on: true };
    await page.route('**/ticket.svg', (route) => (hang.on ? undefined : route.continue()));
    await page.goto(`${hall.url}/kiosk?token=${kioskToken}`);
    await page.waitForSelector('[data-service="one-window"]');
    try {
      await run(page, hang);
    } finally {
      await page.close();
    }
  }
});

describe('the API client', () => {
  let server: Server;
  let origin: string;
  const open = new Set<ServerResponse>();

  beforeAll(async () => {
    // A plain page that loads the built lib/api.js, and an endpoint whose body starts and then stalls.
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/api/v1/stall') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"waiting":');
        open.add(res);
        return;
      }
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>api</title>');
        return;
      }
      const file = normalize(join(ROOT, 'dist', 'ui', path));
      if (file.startsWith(join(ROOT, 'dist', 'ui')) && path.endsWith('.js') && existsSync(file)) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(readFileSync(file));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const res of open) res.destroy();
    await new Promise((r) => server.close(r));
  });

  it('times out a response whose body stalls, not only one whose headers never come', async () => {
    const page = await openPage(browser, `${origin}/`, { width: 800, height: 600 }, errors);
    // As a string: the test runner would rewrite a dynamic import() inside a function.
    const r = (await page.evaluate(`(async () => {
      const { Api } = await import('/lib/api.js');
      const api = new Api({ timeoutMs: 500 });
      const t0 = performance.now();
      const outcome = await Promise.race([
        api.get('/stall').then(() => 'resolved', (e) => e.code ?? 'error'),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 4000)),
      ]);
      return { outcome, ms: performance.now() - t0 };
    })()`)) as { outcome: string; ms: number };
    expect(r.outcome).toBe('NETWORK');
    expect(r.ms).toBeLessThan(2500);
    await page.close();
  });
});

describe('the live stream', () => {
  it('events replayed after a reconnect are shown, but not announced, asked about or toasted', async () => {
    const board = await controlled(`${hall.url}/display?speech=on`, { width: 1920, height: 1080 });
    const pad = await controlled(`${hall.url}/pad/3?token=${padToken}`);
    const dashboard = await controlled(`${hall.url}/manager`, { width: 1600, height: 1000 });
    await login(dashboard, 'boss', 'boss-password');
    const console3 = await controlled(`${hall.url}/counter`, { width: 1366, height: 900 });
    await login(console3, 'wang3', 'staff-password');
    await board.waitForSelector('.d-counter[data-counter="3"]');
    await pad.waitForSelector('#pad-staff');
    await dashboard.waitForSelector('#kpi-waiting');
    await console3.waitForSelector('#act-call-next');

    /** Issues a ticket, calls the next one at counter 3, serves and finishes it; returns the ticket served. */
    const serveOne = async () => {
      await hall.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, hall.managerToken);
      const called = await hall.api('POST', '/api/v1/counters/3/call-next', {}, staff);
      expect(called.status).toBe(200);
      return called.body.ticket as { id: string; number: string };
    };

    // Live: the call is spoken, the pad asks, the rating pops up on the dashboard and the console.
    const live = await serveOne();
    await board.waitForFunction((n) => document.querySelector('.d-now-number')?.textContent === n, live.number);
    await expect.poll(() => spoken(board), { timeout: 5000 }).toContainEqual(expect.stringContaining('3号窗口'));
    const spokenBefore = (await spoken(board)).length;
    await hall.api('POST', '/api/v1/counters/3/start', {}, staff);
    await hall.api('POST', '/api/v1/counters/3/finish', {}, staff);
    await pad.waitForSelector('.face-5');
    await pad.click('.face-5');
    await pad.waitForSelector('#pad-thanks');
    await expect.poll(() => toasts(dashboard)).toContainEqual(expect.stringContaining('3号窗口 · 非常满意'));
    await expect.poll(() => toasts(console3)).toContainEqual('收到群众评价：5 分');
    await pad.waitForSelector('.pad-idle', { timeout: 10_000 });

    // Every screen loses its stream; meanwhile (a minute ago by the hall's clock) a ticket is called, served and rated.
    for (const p of [board, pad, dashboard, console3]) await cut(p);
    offsetMs = -60_000;
    let old: { id: string; number: string };
    try {
      old = await serveOne();
      await hall.api('POST', '/api/v1/counters/3/start', {}, staff);
      expect((await hall.api('POST', '/api/v1/counters/3/finish', {}, staff)).status).toBe(200);
      expect((await hall.api('POST', '/api/v1/evaluations', { ticketId: old.id, score: 2 }, padToken)).status).toBe(
        201,
      );
    } finally {
      offsetMs = 0;
    }
    for (const p of [board, pad, dashboard, console3]) await setFlag(p, '__hold', false);

    // They come back with ?since= and get the replay: the board shows the call, the feed lists the rating ...
    await board.waitForFunction((n) => document.querySelector('.d-now-number')?.textContent === n, old.number, {
      timeout: 10_000,
    });
    await dashboard.waitForSelector('#rating-feed .score-2', { timeout: 10_000 });
    await expect
      .poll(() => events(pad), { timeout: 10_000 })
      .toContainEqual({ type: 'ticket.finished', number: old.number });
    await expect
      .poll(async () => (await events(console3)).filter((e) => e.type === 'evaluation.recorded').length, {
        timeout: 10_000,
      })
      .toBe(2);
    for (const p of [board, pad, dashboard, console3]) expect((await attempts(p)).at(-1)).toMatch(/[?&]since=\d+/);
    // ... but nobody is called aloud, asked to rate or told of a rating that is a minute old.
    await board.waitForTimeout(2500); // longer than the chime before a call is spoken
    expect((await spoken(board)).length).toBe(spokenBefore);
    expect(await pad.$('.face-5')).toBeNull();
    expect(await pad.evaluate(() => document.body.dataset.mode)).toBe('idle');
    expect((await toasts(dashboard)).filter((x) => x.includes('· 不满意'))).toEqual([]);
    expect(await toasts(console3)).not.toContain('收到群众评价：2 分');
    for (const p of [board, pad, dashboard, console3]) await p.close();
  }, 60_000);

  it('a silent connection is taken for dead after 45 s and resumed with ?since=; heartbeats keep it alive', async () => {
    const board = await controlled(`${hall.url}/display?speech=off`, { width: 1920, height: 1080 }, true);
    await board.waitForSelector('.d-counter[data-counter="3"]');
    await expect.poll(() => board.evaluate(() => (window as unknown as Controls).__sockets.length)).toBe(1);
    // The network dies without a close: nothing more arrives (the server's own heartbeats included).
    await setFlag(board, '__mute', true);
    await board.clock.fastForward(30_000);
    // A heartbeat ahead of our seq: a sign of life, not a gap.
    await board.evaluate(() => (window as unknown as Controls).__inject({ type: 'heartbeat', seq: 999_999 }));
    await board.waitForTimeout(300);
    await board.clock.fastForward(30_000); // 60 s since the last real message, 30 s since the heartbeat
    await board.waitForTimeout(300);
    expect(await attempts(board)).toHaveLength(1);
    expect(await board.isHidden('.conn-banner')).toBe(true);

    // Still nothing: after 45 s of silence the board gives up on the connection and shows it is offline ...
    await setFlag(board, '__hold', true);
    await board.clock.fastForward(20_000);
    await board.waitForSelector('.conn-banner:not([hidden])', { timeout: 5000 });
    expect(await board.textContent('.conn-banner')).toContain('连接中断');
    expect((await attempts(board)).length).toBeGreaterThanOrEqual(2);

    // ... and when the network is back it resumes where it was, with the calls it missed.
    const t = await hall.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, hall.managerToken);
    expect(t.status).toBe(201);
    const called = await hall.api('POST', '/api/v1/counters/3/call-next', {}, staff);
    expect(called.status).toBe(200);
    await setFlag(board, '__mute', false);
    await setFlag(board, '__hold', false);
    await board.clock.fastForward(10_000); // the next retry
    await board.waitForFunction(
      (n) => document.querySelector('.d-now-number')?.textContent === n,
      called.body.ticket.number,
      { timeout: 10_000 },
    );
    await board.waitForSelector('.conn-banner[hidden]', { state: 'attached', timeout: 5000 });
    expect((await attempts(board)).at(-1)).toMatch(/[?&]since=\d+/);
    await board.close();
  }, 60_000);

  it('a new hall day replaces the board even when another event follows at once', async () => {
    const board = await controlled(`${hall.url}/display?speech=off`, { width: 1920, height: 1080 });
    await board.waitForSelector('.d-now-number'); // yesterday's last call
    await setFlag(board, '__batch', true);
    offsetMs = 24 * 3600_000; // tomorrow: the next command starts a new hall day, then issues a ticket
    const t = await hall.api('POST', '/api/v1/tickets', { serviceId: 'one-window' }, kioskToken);
    expect(t.status).toBe(201);
    await expect.poll(() => events(board)).toContainEqual({ type: 'ticket.issued', number: t.body.ticket.number });
    expect((await events(board)).map((e) => e.type)).toContain('hall.day_started');
    // Both arrive together: the issued ticket's refresh must not cancel the new day's full one.
    await board.evaluate(() => (window as unknown as Controls).__flush());
    await board.waitForSelector('.d-now-empty', { timeout: 5000 });
    await board.close();
  });
});

describe('page errors', () => {
  it('raises none', () => {
    expect(errors).toEqual([]);
  });
});
