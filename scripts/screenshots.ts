/**
 * Screenshots of every screen (both kiosk orientations) against the demo hall, into docs/screenshots/*.png, taken in
 * Debian's Chromium through playwright-core. `npx tsx scripts/screenshots.ts` (needs the UI built: tsc -p ui/tsconfig.json).
 * `--serve [port]` instead keeps the demo hall running and prints each screen's URL; `--playbooks` takes only the
 * playbook screens (docs/playbooks.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { shootPlaybooks } from './lib/playbook-shots.js';
import { DEMO_PASSWORD, startDemoHall, type DemoHall } from './ui-demo.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.HALLQ_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
];

async function main(): Promise<void> {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'ui', 'tsconfig.json')],
    { stdio: 'inherit' },
  );
  const serve = process.argv.includes('--serve');
  const portArg = process.argv[process.argv.indexOf('--serve') + 1];
  const demo = await startDemoHall({ port: serve && /^\d+$/.test(portArg ?? '') ? Number(portArg) : 0 });
  if (serve) return printUrls(demo);
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    if (!process.argv.includes('--playbooks')) await shootAll(browser, demo);
    await shootPlaybooks(browser, demo, { open, shot, login });
  } finally {
    await browser.close();
    await demo.stop();
  }
}

function printUrls(d: DemoHall): void {
  const lines = [
    `Demo hall running at ${d.url} (Ctrl-C to stop); every password is ${DEMO_PASSWORD}`,
    `  kiosk            ${d.url}/kiosk?token=${d.kioskToken}`,
    `  hall board       ${d.url}/display?token=${d.displayToken}`,
    `  counter sign     ${d.url}/display/counter/5`,
    `  pad (counter 3)  ${d.url}/pad/3?token=${d.padTokens['3']}`,
    `  console          ${d.url}/counter   (e.g. ${d.staffUsers['3']} at counter 3)`,
    `  dashboard        ${d.url}/manager   (boss)`,
    `  phone page       ${d.url}/t/${d.waitingTicketId}`,
  ];
  console.log(lines.join('\n'));
}

/** A page whose API answers carry the demo hall's clock in their Date header, so screens show the hall's time. */
async function open(
  browser: Browser,
  demo: DemoHall,
  path: string,
  viewport: { width: number; height: number },
  scale = 1,
): Promise<Page> {
  const page = await browser.newPage({
    viewport,
    deviceScaleFactor: scale,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error(`page error on ${path}: ${e.message}`));
  await page.route(/\/api\/v1\//, async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, headers: { ...res.headers(), date: new Date(demo.now()).toUTCString() } });
  });
  await page.goto(demo.url + path);
  return page;
}

async function settle(page: Page, ms = 1200): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(ms); // clocks tick onto the hall's time, animations finish
}

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await settle(page);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage, animations: 'disabled' });
  console.log(`docs/screenshots/${name}.png`);
}

async function login(page: Page, username: string): Promise<void> {
  await page.fill('#login-user', username);
  await page.fill('#login-pass', DEMO_PASSWORD);
  await page.click('.login-submit');
}

async function shootAll(browser: Browser, demo: DemoHall): Promise<void> {
  const portrait = { width: 1080, height: 1920 };
  const landscape = { width: 1920, height: 1080 };
  const kiosk = `/kiosk?token=${demo.kioskToken}`;

  // Kiosk: start screen both ways, a service's materials, the ticket, elderly mode, a refusal.
  let p = await open(browser, demo, kiosk, portrait);
  await p.waitForSelector('.svc-card');
  await shot(p, 'kiosk-portrait');
  await p.click('[data-service="one-window"]');
  await p.click('.chip');
  await shot(p, 'kiosk-service');
  await p.click('.k-footer .btn-ghost');
  await p.click('.btn-large-mode');
  await shot(p, 'kiosk-elderly');
  await p.click('.btn-large-mode');
  await p.click('[data-service="one-window"]');
  await p.click('.id-field');
  await p.keyboard.type(demo.demoIdNumber);
  await p.keyboard.press('Enter');
  await p.click('#take-number');
  await p.waitForSelector('dialog.refusal');
  await shot(p, 'kiosk-refusal');
  await p.close();

  p = await open(browser, demo, kiosk, landscape);
  await p.waitForSelector('.svc-card');
  await shot(p, 'kiosk-landscape');
  await p.click('[data-service="mortgage"]');
  await p.click('#take-number');
  await p.waitForSelector('.ticket-img');
  await p.waitForFunction(() => (document.querySelector('.ticket-img') as HTMLImageElement | null)?.complete);
  await shot(p, 'kiosk-ticket');
  await p.close();

  // Counter console at counter 3 with a ticket in hand.
  const staff3 = (
    await demo.api('POST', '/api/v1/auth/login', { username: demo.staffUsers['3'], password: DEMO_PASSWORD })
  ).body.token;
  const q = (await demo.api('GET', '/api/v1/counters/3/queue', undefined, staff3)).body;
  if (!q.current) await demo.api('POST', '/api/v1/counters/3/call-next', {}, staff3);
  if (q.current?.status !== 'serving') await demo.api('POST', '/api/v1/counters/3/start', {}, staff3);
  p = await open(browser, demo, '/counter', landscape);
  await login(p, demo.staffUsers['3']);
  await p.waitForSelector('#current-number');
  await p.waitForSelector('#fig-served');
  await shot(p, 'counter');
  await p.close();

  // Hall board, counter signs.
  p = await open(browser, demo, `/display?token=${demo.displayToken}&speech=off`, landscape);
  await p.waitForSelector('.d-now-number');
  await shot(p, 'display');
  await demo.api(
    'POST',
    '/api/v1/emergency/activate',
    { playbookId: 'network-outage', note: '演示' },
    demo.managerToken,
  );
  await p.waitForSelector('.d-banner:not([hidden])');
  await shot(p, 'display-emergency');
  await demo.api('POST', '/api/v1/emergency/deactivate', {}, demo.managerToken);
  await p.close();

  p = await open(browser, demo, '/display/counter/5', { width: 1280, height: 720 });
  await p.waitForSelector('#cd-sign');
  await shot(p, 'counter-display-paused');
  await p.close();
  p = await open(browser, demo, '/display/counter/12', { width: 1280, height: 720 });
  await p.waitForSelector('#cd-number');
  await shot(p, 'counter-display');
  await p.close();

  // The pad asks for a rating when counter 3 finishes.
  p = await open(browser, demo, `/pad/3?token=${demo.padTokens['3']}`, { width: 1280, height: 800 });
  await p.waitForSelector('#pad-staff');
  await demo.api('POST', '/api/v1/counters/3/finish', {}, staff3);
  await p.waitForSelector('.face-5');
  await shot(p, 'pad');
  await p.close();

  // Manager dashboard.
  p = await open(browser, demo, '/manager', landscape);
  await login(p, 'boss');
  await p.waitForSelector('#kpi-waiting');
  await p.waitForSelector('.m-counters tbody tr');
  await shot(p, 'manager');
  await p.click('a[data-tab="stats"]');
  await p.waitForSelector('.m-charts');
  await shot(p, 'manager-stats', true);
  await p.click('a[data-tab="emergency"]');
  await p.waitForSelector('.m-playbook');
  await shot(p, 'manager-emergency');
  await p.click('a[data-tab="devices"]');
  await p.waitForSelector('#device-table');
  await shot(p, 'manager-devices');
  await p.close();

  // The phone page behind the ticket's QR code.
  p = await open(browser, demo, `/t/${demo.waitingTicketId}`, { width: 390, height: 844 }, 2);
  await p.waitForSelector('#ph-status');
  await shot(p, 'phone');
  await p.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
