/**
 * The embedded broker's connection bookkeeping on its own, with stand-in sockets and a clock: which connection gives
 * way when the unreserved part is full, and how long an address stays trusted. The same bounds over real TCP are in
 * connection-reserve.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionLimits } from '../../server/mqtt/connection-limits.js';

class StandInSocket extends EventEmitter {
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    queueMicrotask(() => this.emit('close'));
  }
}

function socketFrom(address: string): Socket & StandInSocket {
  return new StandInSocket(address) as unknown as Socket & StandInSocket;
}

describe('MQTT connection limits', () => {
  it('closes the oldest silent connection first, one whose login is being checked only when none is left', () => {
    const limits = new ConnectionLimits({ maxTotal: 6, reserved: 3, maxAnonymous: 0 });
    const checking = socketFrom('10.0.0.2');
    expect(limits.admit(checking)).toBe(true);
    limits.connectReceived(checking);
    const [quiet1, quiet2] = [socketFrom('10.0.0.3'), socketFrom('10.0.0.3')];
    expect(limits.admit(quiet1)).toBe(true);
    expect(limits.admit(quiet2)).toBe(true);

    const newcomer = socketFrom('10.0.0.4');
    expect(limits.admit(newcomer)).toBe(true);
    expect([checking.destroyed, quiet1.destroyed, quiet2.destroyed]).toEqual([false, true, false]);

    limits.connectReceived(quiet2);
    limits.connectReceived(newcomer);
    const last = socketFrom('10.0.0.5');
    expect(limits.admit(last)).toBe(true);
    expect(checking.destroyed).toBe(true); // the oldest of those being checked, as no silent one was left
    expect([quiet2.destroyed, newcomer.destroyed]).toEqual([false, false]);
    expect(limits.stats.evicted).toBe(2);
    expect(limits.open).toBe(3);
  });

  it('trusts an address for trustMs after a device logged in from it, then counts it as any other', () => {
    let now = 1_000_000;
    const limits = new ConnectionLimits({ maxTotal: 6, reserved: 3, maxAnonymous: 4, trustMs: 60_000 }, () => now);
    const logIn = (address: string, role: 'device' | 'anonymous') => {
      const socket = socketFrom(address);
      const admitted = limits.admit(socket);
      if (admitted) limits.loggedIn(socket, role);
      return admitted;
    };
    expect(logIn('10.0.0.9', 'device')).toBe(true);
    expect(limits.isTrusted('10.0.0.9')).toBe(true);
    for (const address of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) expect(logIn(address, 'anonymous')).toBe(true);
    expect(limits.admit(socketFrom('10.0.0.5'))).toBe(false); // readers hold the unreserved part
    expect(logIn('10.0.0.9', 'device')).toBe(true); // the device's address uses the reserve
    now += 60_001; // a day without a login from it
    expect(limits.isTrusted('10.0.0.9')).toBe(false);
    expect(limits.admit(socketFrom('10.0.0.9'))).toBe(false); // one place is left, but only in the reserve
    expect(limits.open).toBe(5);
    expect(limits.isTrusted('127.0.0.1')).toBe(true); // the server's own processes always
  });

  it('an anonymous login never makes its address trusted, and readers are bounded', () => {
    const limits = new ConnectionLimits({ maxTotal: 10, reserved: 4, maxAnonymous: 1 });
    const reader = socketFrom('10.0.0.2');
    limits.admit(reader);
    expect(limits.mayAcceptAnonymous()).toBe(true);
    limits.loggedIn(reader, 'anonymous');
    expect(limits.isTrusted('10.0.0.2')).toBe(false);
    expect(limits.mayAcceptAnonymous()).toBe(false);
    reader.destroy();
    return new Promise<void>((resolve) =>
      queueMicrotask(() => {
        expect(limits.mayAcceptAnonymous()).toBe(true);
        expect(limits.open).toBe(0);
        resolve();
      }),
    );
  });
});
