/**
 * A minimal WebSocket client for the fan-out benchmark: the RFC 6455 handshake, unmasked server frames parsed by hand,
 * pings answered. 500 `ws` library clients in one load-generator process spend ~25 µs each per message in its stream
 * machinery, so the last of them measures the load generator's queue, not the server (a hall's screens are separate
 * machines). This client does only what a screen must: read each frame whole and hand its payload on.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export type FrameHandler = (payload: Buffer) => void;

const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;

export class LeanWsClient {
  private pending: Buffer = Buffer.alloc(0);
  private upgraded = false;

  private constructor(
    private readonly socket: Socket,
    private readonly onText: FrameHandler,
  ) {}

  /** Connects to `ws://host:port/path`; resolves once the server has answered 101 Switching Protocols. */
  static open(url: string, onText: FrameHandler, timeoutMs = 10_000): Promise<LeanWsClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: u.hostname, port: Number(u.port), noDelay: true });
      const client = new LeanWsClient(socket, onText);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no WebSocket upgrade from ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('connect', () => {
        socket.write(
          `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      socket.on('data', (chunk: Buffer) => {
        if (client.upgraded) return client.read(chunk);
        client.pending = client.pending.length ? Buffer.concat([client.pending, chunk]) : chunk;
        const end = client.pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = client.pending.subarray(0, client.pending.indexOf('\r\n')).toString('latin1');
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          clearTimeout(timer);
          socket.destroy();
          return reject(new Error(`WebSocket upgrade refused: ${status}`));
        }
        clearTimeout(timer);
        client.upgraded = true;
        const rest = client.pending.subarray(end + 4);
        client.pending = Buffer.alloc(0);
        resolve(client);
        if (rest.length) client.read(rest);
      });
    });
  }

  private read(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (buf.length < 2) break;
      const opcode = buf[0] & 0x0f;
      if (!(buf[0] & 0x80)) throw new Error('fragmented frames are not expected from the hall server');
      let length = buf[1] & 0x7f;
      let offset = 2;
      if (buf[1] & 0x80) throw new Error('a server frame must not be masked');
      if (length === 126) {
        if (buf.length < 4) break;
        length = buf.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        length = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      if (buf.length < offset + length) break;
      const payload = buf.subarray(offset, offset + length);
      buf = buf.subarray(offset + length);
      if (opcode === OP_TEXT) this.onText(payload);
      else if (opcode === OP_PING) this.sendControl(0xa, payload);
      else if (opcode === OP_CLOSE) this.socket.end();
    }
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }

  /** Client frames are masked (RFC 6455 §5.3); control payloads are at most 125 bytes. */
  private sendControl(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
    this.socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | masked.length]), mask, masked]));
  }

  close(): void {
    this.socket.destroy();
  }
}
