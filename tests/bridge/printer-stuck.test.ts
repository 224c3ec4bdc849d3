// A printer that stops reading (jammed, buffer full, paper out on a USB printer): writes give up after the write
// timeout, status polls do not wait behind the ticket backlog, a stop does not drain the backlog into a dead printer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { DriverContext } from '../../firmware-bridge/drivers/driver.js';
import { PrinterDriver } from '../../firmware-bridge/drivers/printer-driver.js';
import { FilePrinterTransport } from '../../firmware-bridge/printer/file-transport.js';
import { TcpPrinterTransport } from '../../firmware-bridge/printer/tcp-transport.js';
import type { PrinterTransport } from '../../firmware-bridge/printer/transport.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { SerialQueue } from '../../firmware-bridge/util/serial-queue.js';
import { delay, tempDir } from './helpers.js';

const ctx: DriverContext = { emit: () => undefined, log: silentLogger };

/** Far more than loopback TCP buffers hold (about 4 MiB on Linux), so a reader that never reads stalls the write. */
const HUGE = Buffer.alloc(32 * 1024 * 1024, 0x41);

/** Resolves to the outcome of `p`, or `pending` if it has not settled after `ms`. */
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p.then(
      (v) => ({ ok: true as const, value: v }),
      (e: Error) => ({ ok: false as const, error: e.message }),
    ),
    delay(ms).then(() => 'pending' as const),
  ]);

/** A TCP printer whose network stack accepts connections but which never reads a byte. */
async function deafPrinter() {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    s.pause();
    s.on('error', () => undefined);
    sockets.push(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A transport whose every write fails after `ms` the way a stuck real one does; queries get no reply. */
function stuckTransport(ms: number) {
  const log: string[] = [];
  const transport: PrinterTransport = {
    description: 'stuck',
    write: async () => {
      log.push('write');
      await delay(ms);
      throw new Error('write timeout');
    },
    query: async () => {
      log.push('query');
      return null;
    },
    close: async () => undefined,
  };
  return { transport, log };
}

describe('a printer that stops reading', () => {
  const tmp = tempDir();
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => tmp.remove());

  it('tcp: the write gives up after writeTimeoutMs, drops the connection, and the next write reconnects', async () => {
    const printer = await deafPrinter();
    const transport = new TcpPrinterTransport('127.0.0.1', printer.port, 1_000, 300);
    try {
      const started = Date.now();
      const outcome = await within(transport.write(HUGE), 5_000);
      expect(outcome).toEqual({ ok: false, error: 'write timeout' });
      expect(Date.now() - started).toBeLessThan(3_000);
      await expect(transport.write(Buffer.from('A'))).resolves.toBeUndefined();
      expect(printer.sockets).toHaveLength(2);
    } finally {
      await transport.close();
      await printer.stop();
    }
  });

  it('tcp: the print acks offline: write timeout, and a status poll behind it reports the printer offline', async () => {
    const printer = await deafPrinter();
    const driver = new PrinterDriver(new TcpPrinterTransport('127.0.0.1', printer.port, 1_000, 300), {
      statusIntervalMs: 0,
      statusTimeoutMs: 200,
    });
    await driver.start(ctx);
    try {
      const print = within(
        driver.commands.print!({ id: 'c1', ticketId: 'T1', escpos: HUGE.toString('base64') }),
        5_000,
      );
      await delay(50);
      const poll = within(driver.pollStatus(), 5_000);
      expect(await print).toEqual({ ok: false, error: 'offline: write timeout' });
      expect(await poll).toEqual({ ok: true, value: { paper: 'ok', cover: 'closed', error: 'offline' } });
    } finally {
      await driver.stop();
      await printer.stop();
    }
  });

  it('a status poll goes ahead of the queued tickets: it waits for the stuck write, not for the whole backlog', async () => {
    const { transport, log } = stuckTransport(100);
    const driver = new PrinterDriver(transport, { statusIntervalMs: 0, statusTimeoutMs: 50 });
    await driver.start(ctx);
    let settled = 0;
    for (let i = 0; i < 10; i++) {
      driver.commands.print!({ id: `c${i}`, ticketId: `T${i}`, escpos: 'G0A=' })
        .catch(() => undefined)
        .finally(() => settled++);
    }
    await delay(10); // the first write is under way
    const status = await driver.pollStatus();
    expect(status.error).toBe('offline');
    expect(settled).toBe(1);
    expect(log.slice(0, 2)).toEqual(['write', 'query']);
    await driver.stop();
  });

  it('stopping: once a write has failed, the tickets still queued fail at once with stopped', async () => {
    const { transport, log } = stuckTransport(100);
    const driver = new PrinterDriver(transport, { statusIntervalMs: 0, statusTimeoutMs: 50 });
    await driver.start(ctx);
    const acks = ['c0', 'c1', 'c2', 'c3', 'c4'].map((id) =>
      driver.commands.print!({ id, ticketId: id, escpos: 'G0A=' }).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    );
    await delay(10);
    const started = Date.now();
    await driver.stop();
    expect(Date.now() - started).toBeLessThan(400); // one write timeout (100 ms), not five
    expect(await Promise.all(acks)).toEqual(['offline: write timeout', 'stopped', 'stopped', 'stopped', 'stopped']);
    expect(log).toEqual(['write']);
    await expect(driver.commands.print!({ id: 'c5', ticketId: 'c5', escpos: 'G0A=' })).rejects.toThrow(/^stopped$/);
  });

  it('file: a device that never takes bytes (a FIFO nobody reads) fails the write after writeTimeoutMs', async () => {
    const fifo = path.join(tmp.dir, 'lp.fifo');
    execFileSync('mkfifo', [fifo]);
    const transport = new FilePrinterTransport(fifo, 300);
    try {
      const started = Date.now();
      expect(await within(transport.write(Buffer.alloc(1 << 20, 0x41)), 5_000)).toEqual({
        ok: false,
        error: 'write timeout',
      });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await transport.close();
    }
  });

  it('file: the status query deadline starts before its request is written', async () => {
    // A device file that takes no byte and has nothing to read (EAGAIN both ways).
    const again = () => Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });
    const close = vi.fn(async () => undefined);
    const handle = {
      write: async () => Promise.reject(again()),
      read: async () => Promise.reject(again()),
      close,
    } as unknown as FileHandle;
    vi.spyOn(fs.promises, 'open').mockResolvedValue(handle);
    const transport = new FilePrinterTransport('/dev/usb/lp9', 10_000);
    const started = Date.now();
    expect(await within(transport.query(Buffer.from([0x10, 0x04, 1]), 200), 5_000)).toEqual({ ok: true, value: null });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(close).toHaveBeenCalled(); // a failed write closes the file: the next use reopens it

    // And a print to it fails once no byte went through for writeTimeoutMs.
    const driver = new PrinterDriver(new FilePrinterTransport('/dev/usb/lp9', 200), {
      statusIntervalMs: 0,
      statusTimeoutMs: 50,
    });
    await driver.start(ctx);
    expect(await within(driver.commands.print!({ id: 'c1', ticketId: 'T1', escpos: 'G0A=' }), 5_000)).toEqual({
      ok: false,
      error: 'offline: write timeout',
    });
    await driver.stop();
  });
});

describe('SerialQueue', () => {
  it('runs jobs one at a time in order; first jobs go ahead of those waiting, in their own arrival order', async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    const job =
      (name: string, ms = 5) =>
      async () => {
        order.push(`${name}+`);
        await delay(ms);
        order.push(`${name}-`);
        return name;
      };
    const a = queue.run(job('a', 30));
    const b = queue.run(job('b'));
    const c = queue.run(job('c'));
    const p1 = queue.run(job('p1'), { first: true });
    const p2 = queue.run(job('p2'), { first: true });
    expect(queue.size).toBe(5);
    const failing = queue.run(async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await queue.idle();
    expect(await Promise.all([a, b, c, p1, p2])).toEqual(['a', 'b', 'c', 'p1', 'p2']);
    expect(order).toEqual(['a+', 'a-', 'p1+', 'p1-', 'p2+', 'p2-', 'b+', 'b-', 'c+', 'c-']);
    expect(queue.size).toBe(0);
  });

  it('runs first jobs by priority, higher first, equals in arrival order', async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    const job =
      (name: string, ms = 5) =>
      async () =>
        void (order.push(name), await delay(ms));
    void queue.run(job('running', 20));
    void queue.run(job('call'));
    void queue.run(job('low'), { first: true });
    void queue.run(job('medium'), { first: true, priority: 1 });
    void queue.run(job('life-safety'), { first: true, priority: 3 });
    void queue.run(job('medium-2'), { first: true, priority: 1 });
    await queue.idle();
    expect(order).toEqual(['running', 'life-safety', 'medium', 'medium-2', 'low', 'call']);
  });
});
