// The text LED adapter on a serial port: stty with clocal, a non-blocking port, and a write timeout.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TextLedAdapter, sttyArgs } from '../../firmware-bridge/led/led-adapter.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { delay, tempDir } from './helpers.js';

describe('text LED adapter on a serial port', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('sets the port up with stty … raw -echo clocal (no wait for a carrier line)', async () => {
    const bin = path.join(tmp.dir, 'bin');
    fs.mkdirSync(bin);
    const argsFile = path.join(tmp.dir, 'stty.args');
    fs.writeFileSync(
      path.join(bin, 'stty'),
      `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\n`,
      { mode: 0o755 },
    );
    const port = path.join(tmp.dir, 'ttyUSB0');
    fs.writeFileSync(port, '');
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    try {
      const led = new TextLedAdapter(
        { path: port, encoding: 'utf8', formFeed: 'before', baudRate: 9600 },
        silentLogger,
      );
      await led.show(['A012']);
      await led.close();
    } finally {
      process.env.PATH = savedPath;
    }
    expect(JSON.parse(fs.readFileSync(argsFile, 'utf8'))).toEqual(['-F', port, '9600', 'raw', '-echo', 'clocal']);
    expect(sttyArgs('/dev/ttyS0', 19200)).toContain('clocal');
    expect(fs.readFileSync(port, 'utf8')).toBe('\fA012');
  });

  it('a board that stops taking bytes fails the frame with offline: write timeout, and the port is reopened next time', async () => {
    const fifo = path.join(tmp.dir, 'board.fifo');
    execFileSync('mkfifo', [fifo]);
    // The board's end: open, but never read (until the end of the test).
    const board = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const drain = () => {
      const buf = Buffer.alloc(65536);
      let total = Buffer.alloc(0);
      for (;;) {
        try {
          const n = fs.readSync(board, buf, 0, buf.length, null);
          if (n <= 0) return total;
          total = Buffer.concat([total, buf.subarray(0, n)]);
        } catch {
          return total; // EAGAIN: empty
        }
      }
    };
    const led = new TextLedAdapter(
      { path: fifo, encoding: 'utf8', formFeed: 'after', writeTimeoutMs: 200 },
      silentLogger,
    );
    const frame = led.show(['X'.repeat(256 * 1024)]); // more than a pipe holds
    try {
      const started = Date.now();
      const outcome = await Promise.race([
        frame.then(
          () => 'written',
          (e: Error) => e.message,
        ),
        delay(3_000).then(() => 'still pending'),
      ]);
      expect(outcome).toBe('offline: write timeout');
      expect(Date.now() - started).toBeLessThan(2_000);

      drain();
      await led.show(['A012']);
      expect(drain().toString('utf8')).toBe('A012\f');
    } finally {
      // Without a non-blocking port a thread would still sit in write(2): let it finish before the test ends.
      for (
        let i = 0;
        i < 100 &&
        (await Promise.race([
          frame.then(
            () => true,
            () => true,
          ),
          delay(10).then(() => false),
        ])) === false;
        i++
      )
        drain();
      await led.close();
      fs.closeSync(board);
    }
  });
});
