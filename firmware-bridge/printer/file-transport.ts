// Printer on a device file (/dev/usb/lp0, a serial tty): opened read/write non-blocking, status replies polled.
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ByteInbox } from './byte-inbox.js';
import type { PrinterTransport } from './transport.js';
import { sleep } from '../util/spawn.js';

const { O_RDWR, O_NONBLOCK, O_NOCTTY } = fs.constants;
const READ_POLL_MS = 20;

const isAgain = (err: unknown) => ['EAGAIN', 'EWOULDBLOCK'].includes((err as NodeJS.ErrnoException).code ?? '');

export class FilePrinterTransport implements PrinterTransport {
  readonly description: string;
  private handle: FileHandle | undefined;
  private readonly inbox = new ByteInbox();

  constructor(private readonly path: string) {
    this.description = `file ${path}`;
  }

  async write(data: Uint8Array): Promise<void> {
    const handle = await this.open();
    let offset = 0;
    try {
      while (offset < data.length) {
        try {
          const { bytesWritten } = await handle.write(data, offset, data.length - offset);
          offset += bytesWritten;
        } catch (err) {
          if (!isAgain(err)) throw err;
          await sleep(READ_POLL_MS);
        }
      }
    } catch (err) {
      await this.drop();
      throw err;
    }
  }

  async query(request: Uint8Array, timeoutMs: number): Promise<number | null> {
    try {
      await this.readAvailable();
      this.inbox.clear();
      await this.write(request);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await this.readAvailable();
        const b = await this.inbox.next(0);
        if (b !== null) return b;
        await sleep(READ_POLL_MS);
      }
      return null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private async open(): Promise<FileHandle> {
    this.handle ??= await fs.promises.open(this.path, O_RDWR | O_NONBLOCK | O_NOCTTY);
    return this.handle;
  }

  private async drop(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  /** Moves whatever the device has ready into the inbox without blocking. */
  private async readAvailable(): Promise<void> {
    const handle = await this.open();
    const buf = Buffer.alloc(64);
    for (;;) {
      try {
        const { bytesRead } = await handle.read(buf, 0, buf.length, null);
        if (bytesRead === 0) return;
        this.inbox.push(buf.subarray(0, bytesRead));
      } catch (err) {
        if (isAgain(err)) return;
        throw err;
      }
    }
  }
}
