// DeviceHost against an in-process broker: commands during a stop are left for the server to resend, retryable
// failures are acked but not remembered, and the error strings the server sorts acks by stay what docs/devices.md says.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type AckPayload, type PrintCommand } from '../../devices/protocol/mqtt-topics.js';
import { DeviceHost } from '../../firmware-bridge/device-host.js';
import type { DeviceDriver, DriverContext } from '../../firmware-bridge/drivers/driver.js';
import { PrinterDriver } from '../../firmware-bridge/drivers/printer-driver.js';
import { SpeakerDriver } from '../../firmware-bridge/drivers/speaker-driver.js';
import { FilePrinterTransport } from '../../firmware-bridge/printer/file-transport.js';
import { TcpPrinterTransport } from '../../firmware-bridge/printer/tcp-transport.js';
import { FakePrinter } from '../../firmware-bridge/sim/fake-printer.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { TestBroker, delay, tempDir, waitFor } from './helpers.js';

const HALL = 'test-hall';
const t = topics(HALL);

/** A deferred: a promise and its resolve. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('device host', () => {
  const broker = new TestBroker();
  const state = tempDir();
  beforeAll(async () => {
    await broker.start();
  });
  afterAll(async () => {
    await broker.stop();
    state.remove();
  });

  const acks = (device: string, id: string) => broker.json<AckPayload>(t.deviceAck(device)).filter((a) => a.id === id);
  const print = (device: string, id: string) =>
    broker.publish(t.deviceCmd(device, 'print'), { id, ticketId: id, escpos: 'G0A=' });

  const host = (id: string, drivers: DeviceDriver[]) =>
    new DeviceHost(
      id,
      drivers,
      {
        mqttUrl: broker.url,
        hallId: HALL,
        deviceId: id,
        username: id,
        password: 'x',
        stateDir: state.dir,
        reconnect: { minMs: 100, maxMs: 400 },
        log: silentLogger,
      },
      silentLogger,
    );

  it('while stopping, commands that arrive are neither run nor acked; the one already running is acked', async () => {
    const runs: string[] = [];
    const running = gate();
    const slowStop = gate();
    const printer: DeviceDriver = {
      name: 'printer',
      commands: {
        print: async (cmd: PrintCommand) => {
          runs.push(cmd.id);
          if (cmd.id === 'p-running') await running.opened;
        },
      },
      start: async () => undefined,
      stop: async () => undefined,
    };
    // Stopped first (reverse order) and slowly: the printer's handler is gone, the link still subscribed.
    const gpio: DeviceDriver = {
      name: 'gpio',
      commands: {},
      start: async () => undefined,
      stop: () => slowStop.opened,
    };
    const h = host('printer-stop', [printer, gpio]);
    await h.start();
    await h.link.whenReady();

    await print('printer-stop', 'p-running');
    await waitFor('first print running', () => runs.includes('p-running'));
    const stopped = h.stop();

    await print('printer-stop', 'p-late');
    await broker.publish(t.deviceCmd('printer-stop', 'gpio'), { id: 'g-late', output: 'lamp', value: 1 });
    await broker.publish(`${t.devicePrefix('printer-stop')}cmd/explode`, { id: 'x-late' });
    await delay(300);
    expect(runs).toEqual(['p-running']);
    for (const id of ['p-late', 'g-late', 'x-late']) expect(acks('printer-stop', id)).toEqual([]);

    running.open();
    await waitFor('running print acked', () => acks('printer-stop', 'p-running').length);
    expect(acks('printer-stop', 'p-running')).toEqual([{ id: 'p-running', ok: true }]);

    slowStop.open();
    await stopped;
    const remembered = JSON.parse(fs.readFileSync(path.join(state.dir, 'printer-stop.commands.json'), 'utf8')) as {
      done: AckPayload[];
    };
    expect(remembered.done.map((a) => a.id)).toEqual(['p-running']);
  });

  it('retryable failures are acked {ok: false, error} and not remembered: a resend runs again', async () => {
    const failures = ['offline: write timeout', 'queue-full', 'stopped', 'transport closed'];
    let runs = 0;
    const printer: DeviceDriver = {
      name: 'printer',
      commands: {
        print: async () => {
          const failure = failures[runs++];
          if (failure) throw new Error(failure);
        },
      },
      start: async () => undefined,
      stop: async () => undefined,
    };
    const h = host('printer-retry', [printer]);
    await h.start();
    await h.link.whenReady();
    try {
      for (let i = 1; i <= failures.length + 2; i++) {
        await print('printer-retry', 'r-1'); // the server resends the same id until it is acked ok
        await waitFor(`ack ${i}`, () => acks('printer-retry', 'r-1').length === i);
      }
      expect(acks('printer-retry', 'r-1')).toEqual([
        ...failures.map((error) => ({ id: 'r-1', ok: false, error })),
        { id: 'r-1', ok: true },
        { id: 'r-1', ok: true },
      ]);
      expect(runs).toBe(failures.length + 1); // once ok, a resend only repeats the ack
      const remembered = JSON.parse(fs.readFileSync(path.join(state.dir, 'printer-retry.commands.json'), 'utf8')) as {
        done: AckPayload[];
      };
      expect(remembered.done).toEqual([{ id: 'r-1', ok: true }]);
    } finally {
      await h.stop();
    }
  });

  it('error strings the server sorts by: offline…, paper-out, cover-open, queue-full, stopped', async () => {
    const ctx: DriverContext = { emit: () => undefined, log: silentLogger };
    const cmd = { id: 'c', ticketId: 'T', escpos: 'G0A=' };

    // Unreachable printers: a missing device file, a refused TCP connection, a transport already closed.
    const missing = new PrinterDriver(new FilePrinterTransport(path.join(state.dir, 'no-lp0')), {
      statusIntervalMs: 0,
      statusTimeoutMs: 50,
    });
    await missing.start(ctx);
    await expect(missing.commands.print!(cmd)).rejects.toThrow(/^offline: ENOENT/);
    await missing.stop();
    const closed = new TcpPrinterTransport('127.0.0.1', 9, 500);
    await closed.close();
    const refused = new PrinterDriver(closed, { statusIntervalMs: 0, statusTimeoutMs: 50 });
    await refused.start(ctx);
    await expect(refused.commands.print!(cmd)).rejects.toThrow(/^offline: transport closed$/);
    await refused.stop();
    await expect(refused.commands.print!(cmd)).rejects.toThrow(/^stopped$/);

    // Paper out / cover open: "send to another printer".
    const fake = new FakePrinter();
    await fake.start();
    const printer = new PrinterDriver(new TcpPrinterTransport('127.0.0.1', fake.port), {
      statusIntervalMs: 60_000,
      statusTimeoutMs: 300,
    });
    await printer.start(ctx);
    try {
      fake.set({ paper: 'out' });
      await printer.pollStatus();
      await expect(printer.commands.print!(cmd)).rejects.toThrow(/^paper-out$/);
      fake.set({ paper: 'ok', cover: 'open' });
      await printer.pollStatus();
      await expect(printer.commands.print!(cmd)).rejects.toThrow(/^cover-open$/);
    } finally {
      await printer.stop();
      await fake.stop();
    }

    // Speaker: a full queue, and a speaker that is stopping.
    const silent = { speak: () => delay(50), cancel: () => undefined };
    const speaker = new SpeakerDriver(silent, { pauseMs: 0, maxQueue: 1, staleAfterMs: 60_000 });
    await speaker.start(ctx);
    const say = (id: string) => speaker.commands.announce!({ id, text: id, lang: 'en', repeat: 1 });
    await say('a1');
    await expect(say('a2')).rejects.toThrow(/^queue-full$/);
    await speaker.stop();
    await expect(say('a3')).rejects.toThrow(/^stopped$/);
  });
});
