// Printer on a device file (/dev/usb/lp0, a serial tty): opened read/write non-blocking, status replies polled.
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ByteInbox } from './byte-inbox.js';
import type { PrinterTransport } from './transport.js';
import { isAgain, writeToDevice } from '../util/device-write.js';
import { sleep } from '../util/spawn.js';

const { O_RDWR, O_NONBLOCK, O_NOCTTY } = fs.constants;
const READ_POLL_MS = 20;

export class FilePrinterTransport implements PrinterTransport {
  readonly description: string;
  private handle: FileHandle | undefined;
  private readonly inbox = new ByteInbox();

  /** `writeTimeoutMs`: a write fails (`write timeout`, the file is closed) once the device took no byte for this long. */
  constructor(
    private readonly path: string,
    private readonly writeTimeoutMs = 10_000,
  ) {
    this.description = `file ${path}`;
  }

  async write(data: Uint8Array): Promise<void> {
    await this.writeAll(data);
  }

  async query(request: Uint8Array, timeoutMs: number): Promise<number | null> {
    // The reply deadline covers the request's write too: a device that takes no bytes is as silent as one that never answers.
    const deadline = Date.now() + timeoutMs;
    try {
      await this.readAvailable();
      this.inbox.clear();
      await this.writeAll(request, deadline);
      while (Date.now() < deadline) {
        await this.readAvailable();
        const b = await this.inbox.next(0);
        if (b !== null) return b;
        await sleep(Math.min(READ_POLL_MS, Math.max(0, deadline - Date.now())));
      }
      return null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    await this.drop();
  }

  /** Writes all of `data` (EAGAIN retried); any failure closes the file, so the next use reopens it. */
  private async writeAll(data: Uint8Array, deadline?: number): Promise<void> {
    const handle = await this.open();
    try {
      await writeToDevice(handle, data, { stallMs: this.writeTimeoutMs, deadline });
    } catch (err) {
      await this.drop();
      throw err;
    }
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
