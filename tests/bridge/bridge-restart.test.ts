// Events survive a bridge restart: saved in the outbox file while the broker is down, sent by the next bridge process.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { topics, type PowerEvent } from '../../devices/protocol/mqtt-topics.js';
import { Bridge } from '../../firmware-bridge/bridge.js';
import { parseBridgeConfig } from '../../firmware-bridge/config.js';
import { SimulatedGpio } from '../../firmware-bridge/gpio/simulated-backend.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { TestBroker, tempDir, waitFor } from './helpers.js';

const t = topics('test-hall');
const UPS_PIN = 24;

describe('bridge restart', () => {
  const broker = new TestBroker();
  const state = tempDir();
  const bridges: Bridge[] = [];

  afterEach(async () => {
    for (const b of bridges.splice(0)) await b.stop();
    await broker.stop();
    state.remove();
  });

  const makeBridge = (gpio: SimulatedGpio) => {
    const config = parseBridgeConfig({
      mqttUrl: broker.url,
      hallId: 'test-hall',
      stateDir: state.dir,
      reconnect: { minMs: 100, maxMs: 300 },
      gpio: { backend: 'simulated', debounceMs: 20 },
      devices: [
        {
          id: 'ups',
          kind: 'sensor',
          mqtt: { username: 'ups', password: 'x' },
          gpio: { inputs: [{ pin: UPS_PIN, event: 'power' }] },
        },
      ],
    });
    const bridge = new Bridge(config, { log: silentLogger, gpio });
    bridges.push(bridge);
    return bridge;
  };

  it('resends an event that was still in the outbox when the bridge stopped', async () => {
    await broker.start();
    const powerEvents = () => broker.json<PowerEvent>(t.deviceEvt('ups', 'power'));
    const gpio = new SimulatedGpio();
    const first = makeBridge(gpio);
    await first.start();
    await first.device('ups')!.link.whenReady();
    // The UPS line's first settled level is reported once.
    await waitFor('initial power state', () => powerEvents().find((e) => e.onBattery === false));
    await waitFor('initial state acknowledged', () => first.device('ups')!.link.pendingEvents === 0);

    await broker.stop();
    await waitFor('link down', () => !first.device('ups')!.link.connected);
    gpio.setInput(UPS_PIN, 1); // mains lost while the broker is unreachable
    await waitFor('event in outbox', () => first.device('ups')!.link.pendingEvents === 1);
    await first.stop();
    bridges.length = 0;

    const file = path.join(state.dir, 'ups.outbox.json');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: Array<{ id: string; payload: string }> };
    expect(saved.entries).toHaveLength(1);
    expect(JSON.parse(saved.entries[0]!.payload)).toMatchObject({ onBattery: true });

    await broker.start();
    const second = makeBridge(gpio);
    await second.start();
    const delivered = await waitFor(
      'saved event delivered',
      () => powerEvents().find((e) => e.id === saved.entries[0]!.id),
      8_000,
    );
    expect(delivered).toMatchObject({ onBattery: true });
    await waitFor(
      'outbox file emptied',
      () => (JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: unknown[] }).entries.length === 0,
    );
  });

  it('drops unsent what a previous run left that can do no good: a stale press, another device’s topic', async () => {
    await broker.start();
    const entry = (id: string, topic: string, at: number) => ({
      id,
      topic,
      payload: JSON.stringify({ id, at: new Date(at).toISOString() }),
    });
    const now = Date.now();
    const other = topics('other-hall');
    fs.mkdirSync(state.dir, { recursive: true });
    fs.writeFileSync(
      path.join(state.dir, 'ups.outbox.json'),
      JSON.stringify({
        version: 1,
        entries: [
          entry('other-hall', other.deviceEvt('ups', 'power'), now), // the broker would cut the link for it
          entry('other-device', t.deviceEvt('button-3', 'press'), now),
          entry('stale-press', t.deviceEvt('ups', 'press'), now - 3 * 60 * 60_000), // kept through a 3 h outage
          entry('fresh-press', t.deviceEvt('ups', 'press'), now - 30_000),
          entry('old-power', t.deviceEvt('ups', 'power'), now - 3 * 60 * 60_000), // a sensor's state, however late
        ],
      }),
    );
    const bridge = makeBridge(new SimulatedGpio());
    await bridge.start();
    await waitFor('outbox emptied', () => bridge.device('ups')!.link.pendingEvents === 0, 8_000);
    const sent = (topic: string) => broker.json<{ id: string }>(topic).map((e) => e.id);
    expect(sent(t.deviceEvt('ups', 'press'))).toEqual(['fresh-press']);
    expect(sent(t.deviceEvt('ups', 'power'))).toContain('old-power');
    expect(sent(other.deviceEvt('ups', 'power'))).toEqual([]);
    expect(sent(t.deviceEvt('button-3', 'press'))).toEqual([]);
    expect(bridge.device('ups')!.link.connected).toBe(true);
  });
});
