// LED board adapters: the LedAdapter interface, a plain-text serial/file adapter, and a console adapter.
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { Logger } from '../util/log.js';
import { runProgram } from '../util/spawn.js';

export interface LedAdapter {
  /** Shows `lines` (top to bottom) until the next call. */
  show(lines: string[], blink?: boolean): Promise<void>;
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
}

/** Plain text on a serial port or device file. Blink is not part of plain text: it is ignored. */
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
      await handle.write(frame);
    } catch (err) {
      this.handle = undefined;
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    if (this.opts.baudRate) {
      const r = await runProgram('stty', ['-F', this.opts.path, String(this.opts.baudRate), 'raw', '-echo']).catch((e: Error) => ({ code: -1, stderr: e.message }));
      if (r.code !== 0) this.log.warn(`stty ${this.opts.path}: ${r.stderr.trim()}`);
    }
    const { O_WRONLY, O_APPEND, O_NOCTTY } = fs.constants;
    this.handle = await fs.promises.open(this.opts.path, O_WRONLY | O_APPEND | O_NOCTTY);
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
