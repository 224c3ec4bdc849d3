// Writing to a device file opened O_NONBLOCK (printer, LED board): EAGAIN is retried, a device that stops taking bytes
// fails the write instead of holding it (or a libuv thread) forever.
import type { FileHandle } from 'node:fs/promises';
import { sleep } from './spawn.js';

const RETRY_MS = 20;

/** The message of a write that gave up: the device took no byte for the whole wait (or the caller's deadline passed). */
export const WRITE_TIMEOUT = 'write timeout';

export const isAgain = (err: unknown) => ['EAGAIN', 'EWOULDBLOCK'].includes((err as NodeJS.ErrnoException).code ?? '');

export interface DeviceWriteOptions {
  /** Give up when no byte has gone through for this long (a slow device that keeps reading is fine). */
  stallMs: number;
  /** Give up at this time (`Date.now()` ms) whatever the progress; for writes that are part of a timed exchange. */
  deadline?: number;
}

/**
 * Writes all of `data` to a non-blocking `handle`; rejects with `write timeout` when the device stops taking bytes.
 * The handle is left open: the caller decides whether to close it (after a timeout it should, as part of `data` may
 * have been written).
 * @example await writeToDevice(handle, frame, { stallMs: 5_000 })
 */
export async function writeToDevice(handle: FileHandle, data: Uint8Array, opts: DeviceWriteOptions): Promise<void> {
  const deadline = opts.deadline ?? Infinity;
  let offset = 0;
  let lastProgress = Date.now();
  while (offset < data.length) {
    let written = 0;
    try {
      ({ bytesWritten: written } = await handle.write(data, offset, data.length - offset));
    } catch (err) {
      if (!isAgain(err)) throw err;
    }
    const now = Date.now();
    if (written > 0) {
      offset += written;
      lastProgress = now;
      continue;
    }
    const giveUpAt = Math.min(lastProgress + opts.stallMs, deadline);
    if (now >= giveUpAt) throw new Error(WRITE_TIMEOUT);
    await sleep(Math.min(RETRY_MS, giveUpAt - now));
  }
}
