/** The bound on aedes' retained streams, with a stand-in persistence: grants, the streams' end, a client gone. */
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RetainedStreams, type RetainedSource } from '../../server/mqtt/retained-streams.js';

const source = (): RetainedSource => ({
  createRetainedStreamCombi: (patterns) => Readable.from(patterns.flatMap((p) => [p, p, p])),
});
/** aedes' delivering end: takes one message at a time, each when `release()` is called. */
function slowDelivery() {
  const waiting: Array<() => void> = [];
  const sink = new Writable({ objectMode: true, write: (_m, _e, cb) => waiting.push(cb) });
  return { sink, release: () => waiting.shift()?.(), waiting };
}
const turn = () => new Promise((r) => setImmediate(r));

describe('the retained streams in flight', () => {
  // Anonymous readers' filters are bounded; devices and the server are neither refused nor counted.
  it('grants anonymous filters up to the bound, counting those promised and those running', async () => {
    const streams = new RetainedStreams<object>(3);
    const persistence = source();
    streams.watch(persistence);
    const a = {};
    expect([streams.grant(a), streams.grant(a), streams.grant(a), streams.grant(a)]).toEqual([true, true, true, false]);
    streams.started(a, 2); // aedes starts one stream for the packet's two filters
    const { sink, release, waiting } = slowDelivery();
    persistence.createRetainedStreamCombi(['x', 'y']).pipe(sink);
    expect(streams.inFlight).toBe(3);
    expect(streams.grant({})).toBe(false);
    // A device's stream (never granted through the bound) runs without counting.
    streams.started({}, 1);
    persistence.createRetainedStreamCombi(['d']).pipe(slowDelivery().sink);
    expect(streams.inFlight).toBe(3);
    // Handed over is not delivered: it counts until the delivering end has taken the last message.
    for (let i = 0; i < 6; i++) {
      await turn();
      release();
    }
    await turn();
    expect(waiting).toEqual([]);
    await turn();
    expect(streams.inFlight).toBe(1);
    expect(streams.grant({})).toBe(true);
  });

  it('stops a gone client’s streams and forgets what it was promised', async () => {
    const streams = new RetainedStreams<object>(10);
    const persistence = source();
    streams.watch(persistence);
    const a = {};
    streams.grant(a);
    streams.grant(a);
    streams.started(a, 1);
    const { sink } = slowDelivery();
    const s = persistence.createRetainedStreamCombi(['x']);
    s.pipe(sink);
    expect(streams.inFlight).toBe(2);
    streams.gone(a);
    await turn();
    expect(streams.inFlight).toBe(0);
    expect(s.destroyed && sink.destroyed).toBe(true);
  });
});
