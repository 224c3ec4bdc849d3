// LED board adapters: the LedAdapter interface, a plain-text serial/file adapter, and a console adapter.
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { WRITE_TIMEOUT, writeToDevice } from '../util/device-write.js';
import type { Logger } from '../util/log.js';
import { runProgram } from '../util/spawn.js';

export interface LedAdapter {
  /** Shows `lines` (top to bottom) until the next call. */
  show(lines: string[], blink?: boolean): Promise<void>;
  /** Backlight low (`true`) or back to normal, where the board can (plain-text boards cannot: they leave it out). */
  dim?(on: boolean): Promise<void>;
  close(): Promise<void>;
}

const FORM_FEED = '\f';

/**
 * The bytes of one plain-text frame: a form feed (clears most text-mode boards) and the lines joined with CR LF.
 * @example textFrame(['A012', '3号窗口'], 'gb18030', 'before') // <0c 41 30 31 32 0d 0a …>
 */
export function textFrame(lines: string[], encoding: 'gb18030' | 'utf8', formFeed: 'before' | 'after'): Buffer {
  const text = lines.join('\r\n');
  return iconv.encode(formFeed === 'before' ? FORM_FEED + text : text + FORM_FEED, encoding);
}

export interface TextLedOptions {
  path: string;
  encoding: 'gb18030' | 'utf8';
  formFeed: 'before' | 'after';
  baudRate?: number;
  /** A frame fails (`offline: write timeout`, the port is closed) once the board took no byte for this long. */
  writeTimeoutMs?: number;
}

/**
 * `stty` arguments for a serial LED port: speed, raw bytes, no echo, and `clocal` (ignore modem control lines), so
 * a board that wires no carrier line never leaves an open or a write waiting for one.
 * @example sttyArgs('/dev/ttyUSB0', 9600) // ['-F', '/dev/ttyUSB0', '9600', 'raw', '-echo', 'clocal']
 */
export function sttyArgs(path: string, baudRate: number): string[] {
  return ['-F', path, String(baudRate), 'raw', '-echo', 'clocal'];
}

/**
 * Plain text on a serial port or device file. Blink is not part of plain text: it is ignored. The port is opened
 * non-blocking (no libuv thread ever waits on the tty), and a board that stops taking bytes fails the frame after
 * `writeTimeoutMs`.
 */
export class TextLedAdapter implements LedAdapter {
  private handle: FileHandle | undefined;

  constructor(
    private readonly opts: TextLedOptions,
    private readonly log: Logger,
  ) {}

  async show(lines: string[]): Promise<void> {
    const frame = textFrame(lines, this.opts.encoding, this.opts.formFeed);
    const handle = await this.open();
    try {
      await writeToDevice(handle, frame, { stallMs: this.opts.writeTimeoutMs ?? 5_000 });
    } catch (err) {
      this.handle = undefined;
      await handle.close().catch(() => undefined);
      throw (err as Error).message === WRITE_TIMEOUT ? new Error(`offline: ${WRITE_TIMEOUT}`) : err;
    }
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    if (this.opts.baudRate) {
      const r = await runProgram('stty', sttyArgs(this.opts.path, this.opts.baudRate)).catch((e: Error) => ({
        code: -1,
        stderr: e.message,
      }));
      if (r.code !== 0) this.log.warn(`stty ${this.opts.path}: ${r.stderr.trim()}`);
    }
    const { O_WRONLY, O_APPEND, O_NOCTTY, O_NONBLOCK } = fs.constants;
    this.handle = await fs.promises.open(this.opts.path, O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK);
    return this.handle;
  }
}

/** Prints frames to the log (a board not wired yet, demos). */
export class ConsoleLedAdapter implements LedAdapter {
  constructor(private readonly log: Logger) {}

  async show(lines: string[], blink?: boolean): Promise<void> {
    this.log.info(`LED ${blink ? '(blink) ' : ''}| ${lines.join(' | ')} |`);
  }

  async close(): Promise<void> {}
}
