/**
 * Bounds aedes' streams of retained messages. Each granted SUBSCRIBE starts one after its SUBACK (every retained
 * message under the filter, one per turn of the event loop), and nothing in the client's packet flow holds it back,
 * not even a closed connection (what that cost, and the delivery skipped for it: `skipDeliveriesOnceClosed` in
 * embedded-broker.ts). So a client's streams are destroyed when it goes, and an anonymous reader's filter is granted
 * only while fewer than `max` of anonymous readers' filters have streams in flight or promised; devices and the server
 * are never refused for it, nor counted (a broker restart brings 200 devices back at once).
 */
import { finished, type Readable } from 'node:stream';

/** Filters whose retained messages may be in flight before anonymous readers' subscriptions are refused. */
export const MQTT_MAX_RETAINED_STREAMS = 1000;

export type RetainedSource = { createRetainedStreamCombi(patterns: string[]): Readable };

export class RetainedStreams<Client extends object> {
  /** Filters whose streams are running. */
  private active = 0;
  /** Filters granted to anonymous readers whose streams have not started yet (aedes starts them after the SUBACK). */
  private promised = 0;
  private readonly promisedBy = new WeakMap<Client, number>();
  /** Clients whose streams count: those granted through `grant` (anonymous readers). */
  private readonly counted = new WeakSet<Client>();
  /** Each client's running streams, to end with it. */
  private readonly streamsOf = new WeakMap<Client, Set<() => void>>();
  /** The client whose stream aedes starts next: its 'subscribe' event comes just before, in the same call. */
  private next?: Client;

  constructor(private readonly max = MQTT_MAX_RETAINED_STREAMS) {}

  /** Whether an anonymous reader may be granted one more filter now; if so it is counted as promised. */
  grant(client: Client): boolean {
    if (this.active + this.promised >= this.max) return false;
    this.promised++;
    this.promisedBy.set(client, (this.promisedBy.get(client) ?? 0) + 1);
    this.counted.add(client);
    return true;
  }

  /** aedes' 'subscribe' event: the stream for these `granted` filters starts now (or there is none to start). */
  started(client: Client, granted: number): void {
    this.release(client, granted);
    this.next = client;
  }

  /** The client is gone: what it was promised will never start, and what is still being sent stops. */
  gone(client: Client): void {
    this.release(client, Infinity);
    for (const stop of this.streamsOf.get(client) ?? []) stop();
    this.streamsOf.delete(client);
  }

  /** Counts every stream `persistence` (aedes' own) starts from now on, by its filters, until its work is done. */
  watch(persistence: RetainedSource): void {
    const start = persistence.createRetainedStreamCombi.bind(persistence);
    persistence.createRetainedStreamCombi = (patterns) => {
      const stream = start(patterns);
      const client = this.next;
      this.next = undefined;
      const weight = client && this.counted.has(client) ? patterns.length : 0;
      this.active += weight;
      let destination: NodeJS.WritableStream | undefined;
      const stop = () => {
        stream.destroy();
        (destination as unknown as { destroy?: () => void } | undefined)?.destroy?.();
        done();
      };
      const streams = client && (this.streamsOf.get(client) ?? new Set());
      if (client && streams) this.streamsOf.set(client, streams.add(stop));
      let counted = true;
      const done = () => {
        if (counted) this.active -= weight;
        counted = false;
        streams?.delete(stop);
      };
      // aedes pipes it into a stream that delivers one message at a time and buffers 16: the work ends when that one
      // has delivered its last (its 'finish'), not when this one has handed it over. A source never piped ends alone.
      const pipe = stream.pipe.bind(stream);
      stream.pipe = <T extends NodeJS.WritableStream>(to: T, options?: { end?: boolean }): T => {
        destination = to;
        finished(to, { readable: false }, done);
        return pipe(to, options);
      };
      finished(stream, (err) => {
        if (err || !destination) done();
      });
      return stream;
    };
  }

  get inFlight(): number {
    return this.active + this.promised;
  }

  private release(client: Client, n: number): void {
    const held = this.promisedBy.get(client) ?? 0;
    const freed = Math.min(held, n);
    if (freed === 0) return;
    this.promised -= freed;
    if (held - freed > 0) this.promisedBy.set(client, held - freed);
    else this.promisedBy.delete(client);
  }
}
