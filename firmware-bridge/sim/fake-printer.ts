// Fake ESC/POS network printer: captures the bytes written to it and answers DLE EOT from a settable state.
import net from 'node:net';
import type { CoverState, PaperState } from '../../devices/protocol/mqtt-topics.js';

export interface FakePrinterState {
  paper: PaperState;
  cover: CoverState;
  /** false: status queries get no answer (a hung printer). */
  responding: boolean;
  /** Autocutter jammed (DLE EOT 3 bit 3). */
  cutterError: boolean;
}

const BASE = 0x12; // the fixed bits of every status reply

export class FakePrinter {
  readonly state: FakePrinterState = { paper: 'ok', cover: 'closed', responding: true, cutterError: false };
  /** Everything received except DLE EOT queries: what would have been printed. */
  printed: Buffer = Buffer.alloc(0);
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();

  /** Listens on 127.0.0.1; `port` 0 picks a free one. */
  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this.port;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  set(state: Partial<FakePrinterState>): void {
    Object.assign(this.state, state);
  }

  /** The reply byte to DLE EOT n for the current state. */
  reply(n: number): number {
    const { paper, cover, cutterError } = this.state;
    const offline = cover === 'open' || paper === 'out' || cutterError;
    switch (n) {
      case 1:
        return BASE | (offline ? 0x08 : 0);
      case 2:
        return BASE | (cover === 'open' ? 0x04 : 0) | (paper === 'out' ? 0x20 : 0) | (cutterError ? 0x40 : 0);
      case 3:
        return BASE | (cutterError ? 0x08 : 0);
      case 4:
        return BASE | (paper === 'low' ? 0x0c : 0) | (paper === 'out' ? 0x6c : 0);
      default:
        return BASE;
    }
  }

  /** Closes every connection (the printer was switched off, or dropped the link). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let carry = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const data = Buffer.concat([carry, chunk]);
      carry = Buffer.alloc(0);
      const keep: number[] = [];
      for (let i = 0; i < data.length; i++) {
        if (data[i] === 0x10 && i + 1 >= data.length) {
          carry = data.subarray(i); // a DLE at the end: wait for the rest
          break;
        }
        if (data[i] === 0x10 && data[i + 1] === 0x04) {
          if (i + 2 >= data.length) {
            carry = data.subarray(i);
            break;
          }
          const n = data[i + 2]!;
          if (this.state.responding) socket.write(Buffer.from([this.reply(n)]));
          i += 2;
          continue;
        }
        keep.push(data[i]!);
      }
      this.printed = Buffer.concat([this.printed, Buffer.from(keep)]);
    });
  }
}
