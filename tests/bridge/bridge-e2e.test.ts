// End to end: the real bridge against an in-process aedes broker, a fake TCP ESC/POS printer and simulated GPIO.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { topics, type AckPayload, type PressEvent, type StatusEvent } from '../../devices/protocol/mqtt-topics.js';
import { Bridge } from '../../firmware-bridge/bridge.js';
import { parseBridgeConfig } from '../../firmware-bridge/config.js';
import { SimulatedGpio } from '../../firmware-bridge/gpio/simulated-backend.js';
import { FakePrinter } from '../../firmware-bridge/sim/fake-printer.js';
import { SimLed } from '../../firmware-bridge/sim/sim-led.js';
import { SimSpeaker } from '../../firmware-bridge/sim/sim-speaker.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { TestBroker, delay, tempDir, waitFor } from './helpers.js';

const HALL = 'test-hall';
const t = topics(HALL);
const creds = { username: 'u', password: 'p' };
const CALL_PIN = 17;
const LAMP_PIN = 5;

/** A real ticket: init, GB18030 Chinese text, a bare DLE byte, feed and cut. */
const TICKET = Buffer.concat([
  Buffer.from([0x1b, 0x40]),
  iconv.encode('云浮市不动产登记中心\nA012 一窗受理\n', 'gb18030'),
  Buffer.from([0x10, 0x0a, 0x1d, 0x56, 0x42, 0x00]),
]);

describe('firmware bridge end to end', () => {
  const broker = new TestBroker();
  const printer = new FakePrinter();
  const gpio = new SimulatedGpio();
  const speaker = new SimSpeaker(40);
  const led = new SimLed();
  const state = tempDir();
  let bridge: Bridge;
  /** What the bridge told main.ts on cmd/power-off (minutes of battery left). */
  const powerOffs: Array<number | null> = [];

  const acks = (device: string, id: string) => broker.json<AckPayload>(t.deviceAck(device)).filter((a) => a.id === id);
  const statusEvents = () => broker.json<StatusEvent>(t.deviceEvt('printer-1', 'status'));
  const presses = () => broker.json<PressEvent>(t.deviceEvt('button-3', 'press'));
  /** Stops the broker and presses call: the press waits in button-3's outbox. Returns its link. */
  const pressWhileBrokerDown = async () => {
    const link = bridge.device('button-3')!.link;
    await broker.stop();
    await waitFor('link down', () => !link.connected);
    await pressCall();
    await waitFor('event queued', () => link.pendingEvents === 1);
    return link;
  };
  /** A bouncy press and release of the (active-low) call button. */
  const pressCall = async () => {
    for (const level of [0, 1, 0, 1, 0] as const) {
      gpio.setInput(CALL_PIN, level);
      await delay(2);
    }
    await delay(80);
    gpio.setInput(CALL_PIN, 1);
    await delay(80);
  };

  beforeAll(async () => {
    await broker.start();
    await printer.start();
    gpio.setInput(CALL_PIN, 1); // pulled up: released
    const config = parseBridgeConfig({
      mqttUrl: broker.url,
      hallId: HALL,
      stateDir: state.dir,
      logLevel: 'silent',
      reconnect: { minMs: 100, maxMs: 400 },
      gpio: { backend: 'simulated', debounceMs: 30 },
      devices: [
        {
          id: 'printer-1',
          kind: 'printer',
          mqtt: creds,
          transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
          statusIntervalSec: 0.1,
          statusTimeoutMs: 300,
        },
        {
          id: 'button-3',
          kind: 'button',
          mqtt: creds,
          gpio: {
            inputs: [{ pin: CALL_PIN, event: 'press', button: 'call', activeLow: true }],
            outputs: [{ name: 'away-lamp', pin: LAMP_PIN }],
          },
        },
        { id: 'speaker-1', kind: 'speaker', mqtt: creds, simulate: true, pauseMs: 10 },
        { id: 'led-3', kind: 'led', mqtt: creds, adapter: { type: 'sim' } },
      ],
    });
    bridge = new Bridge(config, {
      log: silentLogger,
      gpio,
      speech: () => speaker,
      ledAdapter: () => led,
      onPowerOff: (minutesLeft) => powerOffs.push(minutesLeft),
    });
    await bridge.start();
    await Promise.all(config.devices.map((d) => bridge.device(d.id)!.link.whenReady()));
  });

  afterAll(async () => {
    await bridge?.stop();
    await printer.stop();
    await broker.stop();
    state.remove();
  });

  it('announces each device online, retained', async () => {
    for (const id of ['printer-1', 'button-3', 'speaker-1', 'led-3']) {
      await waitFor(`${id} online`, () =>
        broker.on(t.deviceStatus(id)).find((p) => p.text === 'online' && p.retain && p.qos === 1),
      );
    }
  });

  it('prints exactly the ESC/POS bytes of cmd/print and acks it', async () => {
    await broker.publish(t.deviceCmd('printer-1', 'print'), {
      id: 'print-1',
      ticketId: 'T1',
      escpos: TICKET.toString('base64'),
    });
    const ack = await waitFor('print ack', () => acks('printer-1', 'print-1')[0]);
    expect(ack).toEqual({ id: 'print-1', ok: true });
    expect(printer.printed.equals(TICKET)).toBe(true);
  });

  it('acks a resent command again but prints it once', async () => {
    await broker.publish(t.deviceCmd('printer-1', 'print'), {
      id: 'print-1',
      ticketId: 'T1',
      escpos: TICKET.toString('base64'),
    });
    await waitFor('second ack', () => acks('printer-1', 'print-1').length === 2);
    expect(acks('printer-1', 'print-1')[1]).toEqual({ id: 'print-1', ok: true });
    expect(printer.printed.equals(TICKET)).toBe(true);
  });

  it('publishes evt/status only when the printer status changes, and refuses to print without paper', async () => {
    const first = await waitFor('first status', () => statusEvents()[0]);
    expect(first).toMatchObject({ paper: 'ok', cover: 'closed', error: null });
    expect(first.id).toEqual(expect.any(String));
    expect(first.at).toEqual(expect.any(String));
    await delay(350); // several polls of an unchanged printer
    expect(statusEvents()).toHaveLength(1);

    printer.set({ paper: 'out' });
    const out = await waitFor('paper out status', () => statusEvents().find((e) => e.paper === 'out'));
    expect(out).toMatchObject({ paper: 'out', cover: 'closed', error: null });
    expect(out.id).not.toBe(first.id);

    const printedBefore = printer.printed.length;
    await broker.publish(t.deviceCmd('printer-1', 'print'), {
      id: 'print-2',
      ticketId: 'T2',
      escpos: TICKET.toString('base64'),
    });
    const refused = await waitFor('refusal', () => acks('printer-1', 'print-2')[0]);
    expect(refused).toEqual({ id: 'print-2', ok: false, error: 'paper-out' });
    expect(printer.printed.length).toBe(printedBefore);

    printer.set({ paper: 'ok', cover: 'open' });
    await waitFor('cover open status', () => statusEvents().find((e) => e.cover === 'open'));
    printer.set({ cover: 'closed' });
    await waitFor(
      'back to ok',
      () => statusEvents().at(-1)?.cover === 'closed' && statusEvents().at(-1)?.paper === 'ok',
    );
    expect(statusEvents().map((e) => `${e.paper}/${e.cover}`)).toEqual([
      'ok/closed',
      'out/closed',
      'ok/open',
      'ok/closed',
    ]);
  });

  it('reports a printer that stops answering as offline', async () => {
    printer.set({ responding: false });
    await waitFor('offline status', () => statusEvents().at(-1)?.error === 'offline', 3_000);
    printer.set({ responding: true });
    await waitFor('online again', () => statusEvents().at(-1)?.error === null, 3_000);
  });

  it('turns one bouncy button press into one debounced evt/press', async () => {
    const before = presses().length;
    await pressCall();
    await waitFor('press event', () => presses().length > before);
    await delay(100);
    expect(presses()).toHaveLength(before + 1);
    expect(presses().at(-1)).toMatchObject({ button: 'call', id: expect.any(String) });
  });

  it('drives a named GPIO output with cmd/gpio', async () => {
    await broker.publish(t.deviceCmd('button-3', 'gpio'), { id: 'lamp-1', output: 'away-lamp', value: 1 });
    await waitFor('gpio ack', () => acks('button-3', 'lamp-1').length);
    expect(acks('button-3', 'lamp-1')[0]).toEqual({ id: 'lamp-1', ok: true });
    expect(gpio.level(LAMP_PIN)).toBe(1);
    await broker.publish(t.deviceCmd('button-3', 'gpio'), { id: 'lamp-2', output: 'no-such-lamp', value: 1 });
    await waitFor('gpio refusal', () => acks('button-3', 'lamp-2').length);
    expect(acks('button-3', 'lamp-2')[0]).toEqual({ id: 'lamp-2', ok: false, error: 'unknown-output: no-such-lamp' });
  });

  it('acks announcements when queued and speaks them one after another', async () => {
    await broker.publish(t.deviceCmd('speaker-1', 'announce'), {
      id: 'say-1',
      text: '请A012号到3号窗口办理',
      lang: 'zh-CN',
      repeat: 2,
    });
    await broker.publish(t.deviceCmd('speaker-1', 'announce'), {
      id: 'say-2',
      text: 'Number A013 to counter 4',
      lang: 'en',
      repeat: 1,
    });
    await waitFor('both acks', () => acks('speaker-1', 'say-1').length && acks('speaker-1', 'say-2').length);
    expect(speaker.spoken.length).toBeLessThan(3); // 3 utterances of 40 ms each are not over yet
    expect(acks('speaker-1', 'say-2')[0]).toEqual({ id: 'say-2', ok: true });
    await waitFor('all spoken', () => speaker.spoken.length === 3);
    expect(speaker.spoken.map((s) => `${s.lang}:${s.text}`)).toEqual([
      'zh-CN:请A012号到3号窗口办理',
      'zh-CN:请A012号到3号窗口办理',
      'en:Number A013 to counter 4',
    ]);
    const gaps = speaker.spoken.slice(1).map((s, i) => s.at.getTime() - speaker.spoken[i]!.at.getTime());
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(35); // each waits for the one before (40 ms each)
  });

  it('shows the retained desired state and cmd/show on the LED board, and obeys cmd/power-save', async () => {
    await broker.publish(t.deviceDesired('led-3'), { lines: ['A012', '3号窗口'] }, true);
    await waitFor('desired frame', () => led.current?.lines.join('|') === 'A012|3号窗口');
    await broker.publish(t.deviceCmd('led-3', 'show'), { id: 'show-1', lines: ['暂停服务'], blink: true });
    await waitFor('show ack', () => acks('led-3', 'show-1').length);
    expect(led.current).toMatchObject({ lines: ['暂停服务'], blink: true });
    // On UPS battery the server sends cmd/power-save: the board dims and stops blinking, and acks ok.
    await broker.publish(t.deviceCmd('led-3', 'power-save'), { id: 'ps-1', on: true });
    await waitFor('power-save ack', () => acks('led-3', 'ps-1').length);
    expect(acks('led-3', 'ps-1')[0]).toEqual({ id: 'ps-1', ok: true });
    expect(led.dimmed).toBe(true);
    expect(led.current).toMatchObject({ lines: ['暂停服务'], blink: false });
    await broker.publish(t.deviceCmd('led-3', 'power-save'), { id: 'ps-2', on: false });
    await waitFor('power-save off ack', () => acks('led-3', 'ps-2').length);
    expect(led.dimmed).toBe(false);
  });

  it('acks cmd/power-off and tells main.ts once to stop the bridge, whichever device heard it', async () => {
    await broker.publish(t.deviceCmd('led-3', 'power-off'), { id: 'po-0' }); // no minutesLeft: refused
    await waitFor('bad power-off ack', () => acks('led-3', 'po-0').length);
    expect(acks('led-3', 'po-0')[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^bad-payload/) });
    expect(powerOffs).toEqual([]);
    await broker.publish(t.deviceCmd('button-3', 'power-off'), { id: 'po-1', minutesLeft: 3 });
    await waitFor('power-off ack', () => acks('button-3', 'po-1').length);
    expect(acks('button-3', 'po-1')[0]).toEqual({ id: 'po-1', ok: true });
    await broker.publish(t.deviceCmd('led-3', 'power-off'), { id: 'po-2', minutesLeft: 2 });
    await waitFor('second power-off ack', () => acks('led-3', 'po-2').length);
    expect(powerOffs).toEqual([3]);
  });

  it('acks unknown, unsupported and malformed commands with an error', async () => {
    await broker.publish(`${t.devicePrefix('led-3')}cmd/explode`, { id: 'x-1' });
    await broker.publish(t.deviceCmd('led-3', 'print'), { id: 'x-2', ticketId: 'T', escpos: 'AAAA' });
    await broker.publish(t.deviceCmd('led-3', 'show'), { id: 'x-3', lines: 'not a list' });
    await waitFor('three refusals', () => ['x-1', 'x-2', 'x-3'].every((id) => acks('led-3', id).length));
    expect(acks('led-3', 'x-1')[0]).toEqual({ id: 'x-1', ok: false, error: 'unknown-command' });
    expect(acks('led-3', 'x-2')[0]).toEqual({ id: 'x-2', ok: false, error: 'unsupported-command: print' });
    expect(acks('led-3', 'x-3')[0]).toMatchObject({
      id: 'x-3',
      ok: false,
      error: expect.stringMatching(/^bad-payload: lines: /),
    });
  });

  it('publishes the last will offline when the socket dies, then comes back online', async () => {
    const topic = t.deviceStatus('button-3');
    const from = broker.on(topic).length;
    bridge.device('button-3')!.link.mqttClient!.stream.destroy();
    const after = () => broker.on(topic).slice(from);
    const will = await waitFor('last will', () => after().find((p) => p.text === 'offline'));
    expect(will).toMatchObject({ retain: true, qos: 1 });
    await waitFor('online again', () => after().some((p, i) => p.text === 'online' && i > after().indexOf(will)));
  });

  it('delivers a fresh press kept through an outage although the wall clock stepped an hour ahead meanwhile', async () => {
    const before = presses().length;
    await pressWhileBrokerDown();
    const realNow = Date.now;
    const step = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 60 * 60_000); // an NTP step
    try {
      await broker.start();
      await waitFor('the press delivered', () => presses().length > before, 8_000);
    } finally {
      step.mockRestore();
    }
  });

  it('reconnects through a broker restart and delivers an event raised while the broker was down', async () => {
    const before = presses().length;
    const link = await pressWhileBrokerDown();
    const file = path.join(state.dir, 'button-3.outbox.json');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: Array<{ id: string; topic: string }> };
    expect(saved.entries).toHaveLength(1);
    expect(saved.entries[0]!.topic).toBe(t.deviceEvt('button-3', 'press'));

    await broker.start(); // same port
    const delivered = await waitFor(
      'queued press delivered',
      () => presses().length > before && presses().at(-1),
      8_000,
    );
    expect(delivered.id).toBe(saved.entries[0]!.id);
    await waitFor('outbox emptied', () => link.pendingEvents === 0);
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: unknown[] }).entries).toEqual([]);

    // Subscriptions came back too: a command resent (same id) until acked, as the server does, prints once.
    await waitFor('printer link up', () => bridge.device('printer-1')!.link.connected, 8_000);
    const printed = printer.printed.length;
    let tries = 0;
    await waitFor(
      'print ack after restart',
      () => {
        if (tries++ % 25 === 0)
          void broker.publish(t.deviceCmd('printer-1', 'print'), {
            id: 'print-3',
            ticketId: 'T3',
            escpos: TICKET.toString('base64'),
          });
        return acks('printer-1', 'print-3').length;
      },
      8_000,
    );
    expect(printer.printed.length).toBe(printed + TICKET.length);
  });

  it('says offline once on a clean stop (no last will on top)', async () => {
    const topic = t.deviceStatus('led-3');
    const link = bridge.device('led-3')!.link;
    // Up, and its `online` seen by the broker: a link that has just come back (the broker restarts above) is connected
    // a moment before its `online` arrives.
    await waitFor('led link up', () => link.connected && broker.on(topic).at(-1)?.text === 'online', 8_000);
    const from = broker.on(topic).length;
    await link.stop();
    await delay(200);
    expect(broker.on(topic).slice(from)).toEqual([{ topic, text: 'offline', retain: true, qos: 1 }]);
  });
});
