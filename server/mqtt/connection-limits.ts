/**
 * Open connections per client address, so one laptop's flood of idle sockets cannot take all of the broker's
 * connections; and the same warning about one address at most once a minute, so a client reconnecting in a loop
 * cannot flood the log. Local processes (the bridge, simulators, benchmarks on the server itself) are not counted.
 */
import type { Socket } from 'node:net';
import { log } from '../log.js';
import { FailureWindow } from '../security/attempt-throttle.js';

export const MQTT_MAX_CONNECTIONS_PER_ADDRESS = 100;
const LOCAL = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export class ConnectionLimits {
  private readonly open = new Map<string, number>();
  private readonly warned = new FailureWindow(1);

  constructor(private readonly maxPerAddress = MQTT_MAX_CONNECTIONS_PER_ADDRESS) {}

  /** Counts `socket` until it closes; false (and the socket destroyed) when its address has too many open. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? 'unknown';
    const count = this.open.get(address) ?? 0;
    if (count >= this.maxPerAddress && !LOCAL.has(address)) {
      socket.destroy();
      this.warn('mqtt connection refused: too many from this address', { address, open: count });
      return false;
    }
    this.open.set(address, count + 1);
    socket.once('close', () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    });
    return true;
  }

  /** log.warn, at most once a minute for the same address, message and reason. */
  warn(message: string, fields: { address?: string; reason?: string } & Record<string, unknown>): void {
    const key = `${fields.address} ${message} ${fields.reason ?? ''}`;
    const now = Date.now();
    if (this.warned.blocked(key, now)) return;
    this.warned.add(key, now);
    log.warn(message, fields);
  }
}
