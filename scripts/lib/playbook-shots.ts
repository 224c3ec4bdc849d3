/**
 * The screenshots of docs/playbooks.md, against the demo hall: a trigger's proposal (the emergency button at counter 3,
 * through the real broker), fire and power outage at once, then an overcrowding drill; each screen as the public and
 * staff see it. Called by scripts/screenshots.ts, which owns the browser and how a page is opened and shot.
 */
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import type { DemoHall } from '../ui-demo.js';

export interface ShotKit {
  open(
    browser: Browser,
    demo: DemoHall,
    path: string,
    viewport: { width: number; height: number },
    scale?: number,
  ): Promise<Page>;
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  login(page: Page, username: string): Promise<void>;
}

const LANDSCAPE = { width: 1920, height: 1080 };
const PORTRAIT = { width: 1080, height: 1920 };

export async function shootPlaybooks(browser: Browser, demo: DemoHall, kit: ShotKit): Promise<void> {
  const { open, shot, login } = kit;
  const emergency = (path: string, body: object) =>
    demo.api('POST', `/api/v1/emergency/${path}`, body, demo.managerToken);

  // The emergency button at counter 3 proposes the fight playbook.
  await pressEmergencyButton(demo);
  await emergency('activate', { playbookId: 'power-outage', note: '演示：市电中断' });
  await emergency('activate', { playbookId: 'fire', note: '演示：二楼烟感报警' });

  let p = await open(browser, demo, `/display?token=${demo.displayToken}&speech=off`, LANDSCAPE);
  await p.waitForSelector('.d-banner .banner-line + .banner-line');
  await shot(p, 'playbooks-display-fire');
  await p.close();

  p = await open(browser, demo, '/display/counter/1', { width: 1280, height: 720 });
  await p.waitForSelector('.cd-banner .banner-line + .banner-line');
  await shot(p, 'playbooks-counter-display-fire');
  await p.close();

  p = await open(browser, demo, `/kiosk?token=${demo.kioskToken}`, PORTRAIT);
  await p.waitForSelector('.k-notice:not([hidden])');
  await shot(p, 'playbooks-kiosk-paused');
  await p.close();

  p = await open(browser, demo, `/t/${demo.waitingTicketId}`, { width: 390, height: 844 }, 2);
  await p.waitForSelector('.emergency-banner .banner-line + .banner-line');
  await shot(p, 'playbooks-phone-fire');
  await p.close();

  // A manager signed in at a free counter (11) sees the proposal on the console.
  p = await open(browser, demo, '/counter', LANDSCAPE);
  await login(p, 'boss');
  await p.click('.pick-card[data-counter="11"]');
  await p.waitForSelector('.c-proposal');
  await shot(p, 'playbooks-console-proposal');
  await p.close();

  p = await open(browser, demo, '/manager', { width: 1920, height: 1200 });
  await login(p, 'boss');
  await p.click('a[data-tab="emergency"]');
  await p.waitForSelector('.m-proposal');
  await shot(p, 'playbooks-dashboard');
  await p.close();

  // The power cut alone: numbers are issued as usual, under its banner.
  await emergency('deactivate', { playbookId: 'fire' });
  p = await open(browser, demo, `/kiosk?token=${demo.kioskToken}`, PORTRAIT);
  await p.waitForSelector('.emergency-banner:not([hidden])');
  await shot(p, 'playbooks-kiosk-normal');
  await p.close();
  await emergency('deactivate', { playbookId: 'power-outage' });
  const proposals = (await demo.api('GET', '/api/v1/emergency', undefined, demo.managerToken)).body.proposals;
  for (const pr of proposals) await emergency(`proposals/${pr.id}/dismiss`, {});

  // A drill: overcrowding (appointments only), every screen saying 【演练】.
  await emergency('activate', { playbookId: 'overcrowding', drill: true, note: '演示：季度演练' });
  p = await open(browser, demo, `/kiosk?token=${demo.kioskToken}`, PORTRAIT);
  await p.waitForSelector('.k-notice:not([hidden])');
  await shot(p, 'playbooks-kiosk-drill-appointments');
  await p.close();
  p = await open(browser, demo, `/display?token=${demo.displayToken}&speech=off`, LANDSCAPE);
  await p.waitForSelector('.d-banner:not([hidden])');
  await shot(p, 'playbooks-display-drill');
  await p.close();
  p = await open(browser, demo, '/display/counter/1', { width: 1280, height: 720 });
  await p.waitForSelector('.cd-banner:not([hidden])');
  await shot(p, 'playbooks-counter-display-drill');
  await p.close();
  await emergency('deactivate', { playbookId: 'overcrowding' });
}

/** Registers a button at counter 3 and presses it through the demo hall's broker; resolves once the proposal is open. */
async function pressEmergencyButton(demo: DemoHall): Promise<void> {
  const reg = (
    await demo.api('POST', '/api/v1/devices', { id: 'btn-3', kind: 'button', counterId: '3' }, demo.managerToken)
  ).body;
  const client = mqtt.connect(demo.running.mqttUrl, {
    username: reg.mqtt.username,
    password: reg.mqtt.password,
    clientId: reg.mqtt.username,
    reconnectPeriod: 0,
  });
  try {
    await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
    const t = topics(demo.running.hall.hallFile.hall.id);
    await client.publishAsync(
      t.deviceEvt('btn-3', 'press'),
      JSON.stringify({ id: 'demo-press', button: 'emergency' }),
      {
        qos: 1,
      },
    );
    for (let i = 0; i < 200; i++) {
      const body = (await demo.api('GET', '/api/v1/emergency', undefined, demo.managerToken)).body;
      if (body.proposals.length > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the emergency button proposed nothing');
  } finally {
    client.end(true);
  }
}
