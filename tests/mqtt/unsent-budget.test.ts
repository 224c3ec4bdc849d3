/**
 * The broker's budget of unsent data: a socket's write never asks aedes to wait; a client over its own limit is cut,
 * a logged-in one may hold more than an anonymous one, and over the budget of all clients together those holding the
 * most are cut first. Fake sockets whose unsent bytes the test sets, as a peer that stopped reading leaves them.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UnsentBudget } from '../../server/mqtt/unsent-budget.js';

class FakeSocket extends EventEmitter {
  writableLength = 0;
  destroyed = false;
  written = 0;
  /** What the peer leaves unread of each write. */
  constructor(private readonly kept: number) {
    super();
  }
  write(chunk: Buffer): boolean {
    this.written += chunk.length;
    this.writableLength += this.kept;
    return false; // a full socket: aedes would wait for 'drain'
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function budget() {
  const cuts: Array<{ socket: FakeSocket; why: string }> = [];
  const b = new UnsentBudget((socket, _bytes, why) => cuts.push({ socket: socket as unknown as FakeSocket, why }), {
    anonymous: 100,
    loggedIn: 400,
    total: 500,
  });
  const watched = (kept: number, loggedIn = false) => {
    const s = new FakeSocket(kept);
    b.watch(s as unknown as Socket);
    if (loggedIn) b.loginAccepted(s as unknown as Socket);
    return s;
  };
  return { b, cuts, watched };
}

const chunk = Buffer.alloc(10);

describe('UnsentBudget', () => {
  it('never tells the writer to wait, and cuts a client past its own limit', () => {
    const { cuts, watched } = budget();
    const anonymous = watched(30);
    const device = watched(30, true);
    for (let i = 0; i < 3; i++) expect(anonymous.write(chunk)).toBe(true);
    expect(anonymous.destroyed).toBe(false); // 90 unsent
    anonymous.write(chunk); // 120
    expect(anonymous.destroyed).toBe(true);
    for (let i = 0; i < 13; i++) device.write(chunk); // 390: a device may hold more
    expect(device.destroyed).toBe(false);
    device.write(chunk);
    expect(device.destroyed).toBe(true);
    expect(cuts.map((c) => c.why)).toEqual(['not reading', 'not reading']);
  });

  it('over the budget of all clients, cuts those holding the most first', () => {
    const { b, cuts, watched } = budget();
    const a = watched(50, true);
    const big = watched(50, true);
    const c = watched(50, true);
    for (let i = 0; i < 3; i++) a.write(chunk); // 150
    for (let i = 0; i < 7; i++) big.write(chunk); // 350: 500 in all
    expect(cuts).toHaveLength(0);
    c.write(chunk); // 550 > 500
    expect(cuts).toEqual([{ socket: big, why: 'over the budget' }]);
    expect(b.totalUnsent).toBe(200);
    expect(a.destroyed || c.destroyed).toBe(false);
  });

  it('counts a client that caught up, and one that closed, out of the total', () => {
    const { b, watched } = budget();
    const a = watched(50, true);
    const gone = watched(50, true);
    for (let i = 0; i < 4; i++) a.write(chunk);
    for (let i = 0; i < 4; i++) gone.write(chunk);
    expect(b.totalUnsent).toBe(400);
    gone.destroy();
    expect(b.totalUnsent).toBe(200);
    a.writableLength = 0; // the peer read everything
    a.write(chunk);
    expect(b.totalUnsent).toBe(50);
  });

  it('does not write to a socket it already cut', () => {
    const { watched } = budget();
    const s = watched(200);
    s.write(chunk);
    expect(s.destroyed).toBe(true);
    const before = s.written;
    expect(s.write(chunk)).toBe(true);
    expect(s.written).toBe(before);
  });
});
