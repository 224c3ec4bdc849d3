/**
 * The embedded broker's connection bookkeeping on its own, with stand-in sockets and a clock: which connection gives
 * way when the unreserved part is full, and how long an address stays trusted. The same bounds over real TCP are in
 * connection-reserve.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectionLimits, MQTT_RESERVED_UNPROVEN_PER_ADDRESS } from '../../server/mqtt/connection-limits.js';

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

/** Lets the stand-in sockets' `close` events run. */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
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

  it('trusts an address while a device is logged in from it and for trustMs after it left', async () => {
    let now = 1_000_000;
    const limits = new ConnectionLimits({ maxTotal: 8, reserved: 4, trustMs: 60_000 }, () => now);
    const device = socketFrom('10.0.0.9');
    limits.admit(device);
    limits.loggedIn(device, 'device');
    now += 10 * 60_000; // connected for longer than trustMs: still trusted
    expect(limits.isTrusted('10.0.0.9')).toBe(true);
    const flood = Array.from({ length: 4 }, () => socketFrom('10.0.0.2'));
    for (const socket of flood) expect(limits.admit(socket)).toBe(true);

    // The unreserved part is full: the device's address comes in through the reserve, nobody gives way.
    expect(limits.admit(socketFrom('10.0.0.9'))).toBe(true);
    expect(limits.stats.evicted).toBe(0);
    device.destroy();
    await settled();
    now += 59_000;
    expect(limits.isTrusted('10.0.0.9')).toBe(true);
    now += 2_000; // trustMs after its last device connection closed
    expect(limits.isTrusted('10.0.0.9')).toBe(false);
    expect(limits.admit(socketFrom('10.0.0.9'))).toBe(true); // now as anyone: the oldest silent one gives way
    expect(limits.stats.evicted).toBe(1);
    expect(flood[0]!.destroyed).toBe(true);
    expect(limits.isTrusted('127.0.0.1')).toBe(true); // the server's own processes always
  });

  it(`lets a trusted address hold only ${MQTT_RESERVED_UNPROVEN_PER_ADDRESS} connections in the reserve before they log in`, () => {
    const limits = new ConnectionLimits({ maxTotal: 40, reserved: 20 });
    const device = socketFrom('10.0.0.9');
    limits.admit(device);
    limits.loggedIn(device, 'device');
    const flood = Array.from({ length: 20 }, () => socketFrom('10.0.0.2'));
    for (const socket of flood) limits.admit(socket);
    const reserved = Array.from({ length: MQTT_RESERVED_UNPROVEN_PER_ADDRESS }, () => socketFrom('10.0.0.9'));
    for (const socket of reserved) expect(limits.admit(socket)).toBe(true);
    expect(limits.stats.evicted).toBe(0);

    // Beyond that the address counts as anyone's: its connections take the unreserved part's turn, and give way.
    const more = Array.from({ length: 30 }, () => socketFrom('10.0.0.9'));
    for (const socket of more) expect(limits.admit(socket)).toBe(true);
    expect(flood.every((s) => s.destroyed)).toBe(true);
    expect(more.slice(0, 10).every((s) => s.destroyed)).toBe(true);
    expect(more.slice(10).some((s) => s.destroyed)).toBe(false);
    expect(reserved.some((s) => s.destroyed)).toBe(false);
    expect(limits.open).toBe(1 + MQTT_RESERVED_UNPROVEN_PER_ADDRESS + 20);
  });

  it('when every connection is taken, makes an untrusted silent one give way, and refuses once none is left', () => {
    const limits = new ConnectionLimits({ maxTotal: 6, reserved: 3 });
    const logInDevice = (socket: Socket & StandInSocket) => {
      expect(limits.admit(socket)).toBe(true);
      limits.loggedIn(socket, 'device');
    };
    logInDevice(socketFrom('10.0.0.9'));
    const flood = Array.from({ length: 3 }, () => socketFrom('10.0.0.2'));
    for (const socket of flood) limits.admit(socket);
    const reserved = [socketFrom('10.0.0.9'), socketFrom('10.0.0.9')];
    for (const socket of reserved) limits.admit(socket);
    expect(limits.open).toBe(6);

    const trustedLate = socketFrom('10.0.0.9');
    expect(limits.admit(trustedLate)).toBe(true);
    expect(flood.map((s) => s.destroyed)).toEqual([true, false, false]);
    for (const socket of [...reserved, trustedLate]) limits.loggedIn(socket, 'device');
    for (const socket of flood.slice(1)) limits.loggedIn(socket, 'device');
    expect(limits.admit(socketFrom('10.0.0.7'))).toBe(false); // all six logged in: nothing gives way
    expect(limits.admit(socketFrom('10.0.0.9'))).toBe(false); // not even for a trusted address
    expect(limits.stats).toMatchObject({ evicted: 1, refused: 2 });
  });

  it('a login accepted after its connection was cut counts nothing and trusts nobody', () => {
    const limits = new ConnectionLimits({ maxTotal: 4, reserved: 2 });
    const [first, second] = [socketFrom('10.0.0.2'), socketFrom('10.0.0.3')];
    for (const socket of [first, second]) {
      limits.admit(socket);
      limits.connectReceived(socket);
    }
    expect(limits.admit(socketFrom('10.0.0.4'))).toBe(true);
    expect(first.destroyed).toBe(true); // its password check was still running
    limits.loggedIn(first, 'device');
    expect(limits.isTrusted('10.0.0.2')).toBe(false);
    expect(limits.open).toBe(2);
  });

  it('forgets an address once its connections are gone, also when one of its own gave way to another', async () => {
    const limits = new ConnectionLimits({ maxTotal: 8, reserved: 4 });
    const mine = [socketFrom('10.0.0.2'), socketFrom('10.0.0.2')];
    const theirs = [socketFrom('10.0.0.3'), socketFrom('10.0.0.3')];
    for (const socket of [...mine, ...theirs]) limits.admit(socket);
    for (let i = 0; i < 5; i++) {
      const next = socketFrom('10.0.0.2');
      expect(limits.admit(next)).toBe(true); // the oldest silent one gives way, often this address's own
      mine.push(next);
      expect(limits.openPerAddress().get('10.0.0.2')).toBe(mine.filter((s) => !s.destroyed).length);
    }
    for (const socket of [...mine, ...theirs]) socket.destroy();
    await settled();
    expect(limits.open).toBe(0);
    expect([...limits.openPerAddress()]).toEqual([]);
  });

  it('leaves one address trusted per login after it left, so one password cannot make many trusted', async () => {
    const limits = new ConnectionLimits({ maxTotal: 20, reserved: 8 });
    const visit = async (address: string, who: string) => {
      const socket = socketFrom(address);
      limits.admit(socket);
      limits.loggedIn(socket, 'device', who);
      socket.destroy();
      await settled();
    };
    await visit('10.0.0.30', 'device:led-2');
    for (const address of ['10.0.0.21', '10.0.0.22', '10.0.0.23']) await visit(address, 'device:led-1');
    expect(['10.0.0.21', '10.0.0.22', '10.0.0.23'].map((a) => limits.isTrusted(a))).toEqual([false, false, true]);
    expect(limits.isTrusted('10.0.0.30')).toBe(true); // another device's address is its own
  });

  it('holds at most `reserved` connections in the reserve in all; the rest from trusted addresses give way', () => {
    const limits = new ConnectionLimits({ maxTotal: 40, reserved: 16 });
    for (const n of [1, 2, 3]) {
      const device = socketFrom(`10.0.0.1${n}`);
      limits.admit(device);
      limits.loggedIn(device, 'device', `device:d${n}`);
    }
    const reserved = [1, 2].flatMap((n) => Array.from({ length: 8 }, () => socketFrom(`10.0.0.1${n}`)));
    const over = Array.from({ length: 8 }, () => socketFrom('10.0.0.13'));
    for (const socket of [...reserved, ...over]) expect(limits.admit(socket)).toBe(true);
    const strangers = Array.from({ length: 21 }, () => socketFrom('10.0.0.2'));
    for (const socket of strangers) expect(limits.admit(socket)).toBe(true);
    expect(over.every((s) => s.destroyed)).toBe(true);
    expect(reserved.some((s) => s.destroyed)).toBe(false);
    expect(strangers.some((s) => s.destroyed)).toBe(false);
    expect(limits.open).toBe(40);
  });

  it('takes an address that is no longer trusted out of the reserve: one password rotating addresses keeps 16', async () => {
    const limits = new ConnectionLimits({ maxTotal: 100, reserved: 40 });
    const waiting: (Socket & StandInSocket)[][] = [];
    let previous: (Socket & StandInSocket) | undefined;
    for (const n of [1, 2, 3, 4, 5]) {
      const login = socketFrom(`10.0.1.${n}`);
      limits.admit(login);
      limits.loggedIn(login, 'device', 'device:led-1');
      previous?.destroy(); // the same client id logging in elsewhere drops the earlier session
      await settled();
      previous = login;
      const mine = Array.from({ length: 8 }, () => socketFrom(`10.0.1.${n}`));
      for (const socket of mine) expect(limits.admit(socket)).toBe(true);
      waiting.push(mine);
    }
    const strangers = Array.from({ length: 60 }, () => socketFrom('10.0.0.2'));
    for (const socket of strangers) expect(limits.admit(socket)).toBe(true);
    // Trusted now: 10.0.1.5 (logged in) and 10.0.1.4 (the last address it left); the rest gave way.
    expect(waiting.map((mine) => mine.filter((s) => s.destroyed).length)).toEqual([8, 8, 8, 0, 0]);
    expect(strangers.some((s) => s.destroyed)).toBe(false);
  });

  it('stops trusting the addresses of a removed device', async () => {
    const removed = new Set<string>();
    const limits = new ConnectionLimits({ maxTotal: 20, reserved: 8 }, Date.now, (who) => !removed.has(who));
    const left = socketFrom('10.0.0.40');
    limits.admit(left);
    limits.loggedIn(left, 'device', 'device:pad-1');
    left.destroy();
    await settled();
    const connected = socketFrom('10.0.0.41');
    limits.admit(connected);
    limits.loggedIn(connected, 'device', 'device:pad-1');
    const waiting = Array.from({ length: 4 }, () => socketFrom('10.0.0.41'));
    for (const socket of waiting) limits.admit(socket);
    expect([limits.isTrusted('10.0.0.40'), limits.isTrusted('10.0.0.41')]).toEqual([true, true]);

    removed.add('device:pad-1'); // removed: the broker drops its connection
    connected.destroy();
    await settled();
    expect([limits.isTrusted('10.0.0.40'), limits.isTrusted('10.0.0.41')]).toEqual([false, false]);
    const strangers = Array.from({ length: 12 }, () => socketFrom('10.0.0.2'));
    for (const socket of strangers) limits.admit(socket);
    expect(waiting.every((s) => s.destroyed)).toBe(true); // out of the reserve, so they gave way
  });

  it('gives a trusted address its reserve places back once its connections log in', () => {
    const limits = new ConnectionLimits({ maxTotal: 60, reserved: 20 });
    const host = socketFrom('10.0.0.9');
    limits.admit(host);
    limits.loggedIn(host, 'device', 'device:host');
    for (let round = 0; round < 3; round++) {
      const devices = Array.from({ length: MQTT_RESERVED_UNPROVEN_PER_ADDRESS }, () => socketFrom('10.0.0.9'));
      for (const socket of devices) limits.admit(socket);
      const strangers = Array.from({ length: 60 }, () => socketFrom('10.0.0.2'));
      for (const socket of strangers) limits.admit(socket);
      expect(devices.some((s) => s.destroyed)).toBe(false);
      devices.forEach((socket, i) => limits.loggedIn(socket, 'device', `device:${round}-${i}`));
    }
  });

  it('does not bound the server’s own processes per address', () => {
    const limits = new ConnectionLimits({ maxTotal: 1000, maxPerAddress: 100 });
    for (let i = 0; i < 150; i++) expect(limits.admit(socketFrom('127.0.0.1'))).toBe(true);
    expect(limits.admit(socketFrom('10.0.0.2'))).toBe(true);
  });

  it('keeps anonymous readers to half of the unreserved part, whatever the setting', () => {
    expect(new ConnectionLimits({ maxTotal: 1000 }).settings).toMatchObject({ reserved: 400, maxAnonymous: 200 });
    expect(new ConnectionLimits({ maxTotal: 300, reserved: 120 }).settings.maxAnonymous).toBe(90);
    expect(new ConnectionLimits({ maxTotal: 100, reserved: 90 }).settings).toMatchObject({
      reserved: 50,
      maxAnonymous: 25,
    });
  });

  it('an anonymous login never makes its address trusted, and readers are bounded', async () => {
    const limits = new ConnectionLimits({ maxTotal: 10, reserved: 4, maxAnonymous: 1 });
    const reader = socketFrom('10.0.0.2');
    limits.admit(reader);
    expect(limits.mayAcceptAnonymous()).toBe(true);
    limits.loggedIn(reader, 'anonymous');
    expect(limits.isTrusted('10.0.0.2')).toBe(false);
    expect(limits.mayAcceptAnonymous()).toBe(false);
    reader.destroy();
    await settled();
    expect(limits.mayAcceptAnonymous()).toBe(true);
    expect(limits.open).toBe(0);
  });
});
