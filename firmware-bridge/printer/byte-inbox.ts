// Bytes received from a printer, with a wait for the next one (status replies arrive one byte at a time).

export class ByteInbox {
  private bytes: number[] = [];
  private wake: (() => void) | undefined;

  push(chunk: Uint8Array): void {
    for (const b of chunk) this.bytes.push(b);
    if (this.bytes.length > 4096) this.bytes.splice(0, this.bytes.length - 4096);
    this.wake?.();
  }

  /** Forgets whatever arrived unasked (late replies, automatic status back). */
  clear(): void {
    this.bytes.length = 0;
  }

  /** The next byte, or null after `timeoutMs`. */
  next(timeoutMs: number): Promise<number | null> {
    const first = this.bytes.shift();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), timeoutMs);
      const finish = (value: number | null) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(value);
      };
      this.wake = () => {
        const b = this.bytes.shift();
        if (b !== undefined) finish(b);
      };
    });
  }
}
