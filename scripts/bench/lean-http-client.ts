/**
 * A minimal HTTP/1.1 keep-alive client for the API benchmark's timed phases: one connection per simulated kiosk or
 * counter, one request at a time, the request written as one buffer and the answer parsed by hand (Content-Length or
 * chunked). Node's http client spends ~5× as much CPU per request; on a 2-core machine that CPU comes out of the
 * server's share, so with 50 clients the load generator, not the server, would set the tail (a hall's kiosks are
 * separate machines).
 */
import { connect, type Socket } from 'node:net';

export interface LeanAnswer {
  status: number;
  body: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');

export class LeanHttpConnection {
  private pending: Buffer = Buffer.alloc(0);
  private waiting: { resolve(a: LeanAnswer): void; reject(e: Error): void } | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (err: Error) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static open(baseUrl: string): Promise<LeanHttpConnection> {
    const u = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: u.hostname, port: Number(u.port), noDelay: true });
      socket.once('connect', () => resolve(new LeanHttpConnection(socket, u.host)));
      socket.once('error', reject);
    });
  }

  /** Sends one request and resolves with the whole answer. One request at a time per connection. */
  request(method: string, path: string, body?: unknown, token?: string): Promise<LeanAnswer> {
    if (this.waiting) return Promise.reject(new Error('one request at a time on a LeanHttpConnection'));
    const payload = body === undefined ? '' : JSON.stringify(body);
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.host}\r\n` +
      (token ? `Authorization: Bearer ${token}\r\n` : '') +
      (payload ? `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` : '') +
      '\r\n';
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(head + payload);
    });
  }

  private read(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const answer = this.parse();
    if (!answer) return;
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve(answer);
  }

  /** One complete answer from `pending`, or undefined while it is still arriving. */
  private parse(): LeanAnswer | undefined {
    const buf = this.pending;
    const end = buf.indexOf(CRLF2);
    if (end < 0) return undefined;
    const head = buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length) {
      const total = end + 4 + Number(length[1]);
      if (buf.length < total) return undefined;
      this.pending = buf.subarray(total);
      return { status, body: buf.subarray(end + 4, total) };
    }
    if (!/\r\ntransfer-encoding:\s*chunked/i.test(head))
      throw new Error(`an answer with neither length nor chunks: ${head}`);
    const parts: Buffer[] = [];
    let at = end + 4;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) {
        this.pending = buf.subarray(lineEnd + 4);
        return { status, body: Buffer.concat(parts) };
      }
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
