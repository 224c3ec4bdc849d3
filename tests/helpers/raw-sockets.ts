/** Raw TCP clients for the abuse tests: connections from a chosen loopback address, hand-made upgrades and frames. */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A TCP connection to 127.0.0.1:`port` from `from` (any 127.x address works on Linux; 127.0.0.1 is the trusted one). */
export function rawConnect(port: number, from = '127.0.0.2'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress: from });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves true once the server has closed `socket`, false if it is still open after `ms`. Reads (and drops) data. */
export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    socket.resume(); // the end of the stream is seen only by reading up to it
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('close', done);
    socket.once('end', done);
    socket.on('error', () => undefined);
  });
}

export function upgradeRequest(path: string, headers: Record<string, string> = {}): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}

/**
 * Sends an upgrade request and resolves with the first chunk the server answers (its status line and headers);
 * rejects when nothing comes within `ms`.
 */
export async function rawUpgrade(
  port: number,
  path: string,
  from?: string,
  ms = 5000,
): Promise<{ socket: Socket; head: string }> {
  const socket = await rawConnect(port, from);
  const head = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to an upgrade of ${path} within ${ms} ms`));
    }, ms);
    socket.once('data', (d) => {
      clearTimeout(timer);
      resolve(d.toString('latin1'));
    });
    socket.once('error', reject);
    socket.write(upgradeRequest(path));
  });
  return { socket, head };
}

/** A client-to-server frame (masked, as the protocol requires), payload up to 125 bytes. 0xA is a pong. */
export function clientFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}
