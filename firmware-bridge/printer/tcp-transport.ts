// Printer over raw TCP (port 9100): one kept-open socket, reopened on the next use after it drops.
import net from 'node:net';
import { ByteInbox } from './byte-inbox.js';
import type { PrinterTransport } from './transport.js';
import { WRITE_TIMEOUT } from '../util/device-write.js';

/** Bytes handed to the socket at a time; each piece must go through within the write timeout. */
const WRITE_CHUNK = 16 * 1024;

export class TcpPrinterTransport implements PrinterTransport {
  readonly description: string;
  private socket: net.Socket | undefined;
  private opening: Promise<net.Socket> | undefined;
  private readonly inbox = new ByteInbox();
  private closed = false;

  /**
   * `writeTimeoutMs`: a write fails (`write timeout`) and the connection is dropped once a 16 KiB piece of it could not
   * be handed to the kernel for this long (a printer that stopped reading, its buffers full).
   */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly connectTimeoutMs = 3_000,
    private readonly writeTimeoutMs = 10_000,
  ) {
    this.description = `tcp ${host}:${port}`;
  }

  async write(data: Uint8Array): Promise<void> {
    const socket = await this.open();
    for (let offset = 0; offset < data.length; offset += WRITE_CHUNK) {
      await this.writeChunk(socket, data.subarray(offset, offset + WRITE_CHUNK));
    }
  }

  async query(request: Uint8Array, timeoutMs: number): Promise<number | null> {
    let socket: net.Socket;
    try {
      socket = await this.open();
    } catch {
      return null;
    }
    this.inbox.clear();
    socket.write(request);
    return this.inbox.next(timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket ?? (await this.opening?.catch(() => undefined));
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 500).unref();
    });
  }

  /** The socket's write callback only fires once the kernel took the bytes: without a deadline it may never fire. */
  private writeChunk(socket: net.Socket, chunk: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy(); // the next use reconnects
        reject(new Error(WRITE_TIMEOUT));
      }, this.writeTimeoutMs);
      socket.write(chunk, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  private open(): Promise<net.Socket> {
    if (this.closed) return Promise.reject(new Error('transport closed'));
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.opening ??= new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      const timer = setTimeout(
        () => socket.destroy(new Error(`connect timeout (${this.description})`)),
        this.connectTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 10_000);
        this.socket = socket;
        resolve(socket);
      });
      socket.on('data', (chunk: Buffer) => this.inbox.push(chunk));
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (this.socket === socket) this.socket = undefined;
        reject(new Error(`connection closed (${this.description})`));
      });
    }).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }
}
