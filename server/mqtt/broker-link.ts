/**
 * The server's link to the embedded broker, in the same process: it publishes and subscribes on aedes directly
 * instead of through a TCP MQTT client — no socket, no packet encoding, no mqtt.js loaded (about 3 MB of memory), and
 * one hop less for every state update and command. Retained messages and last wills work as for any subscriber.
 */
import type { Aedes } from 'aedes';
import { log } from '../log.js';
import type { MessageHandler, MqttLink } from './mqtt-link.js';

type Deliver = Parameters<Aedes['subscribe']>[1];
type InboundPacket = { topic: string; payload: Buffer | string; qos: number };

/** Whether an MQTT topic filter (`+` one level, `#` the rest) takes `topic`. */
export function filterTakes(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

export class BrokerLink implements MqttLink {
  private readonly handlers = new Set<MessageHandler>();
  private readonly connectHandlers = new Set<() => void>();
  private readonly subscriptions = new Map<string, Deliver>();
  private readonly outgoing: Array<Parameters<Aedes['publish']>[0]> = [];
  private started = false;
  /** Payloads handed to the handlers before the broker acknowledged them (deliverBeforeAck): not handed twice. */
  private readonly deliveredEarly = new WeakSet<Buffer>();

  constructor(private readonly broker: Aedes) {}

  get connected(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    this.started = true;
    for (const fn of this.connectHandlers) fn();
  }

  onMessage(handler: MessageHandler): void {
    this.handlers.add(handler);
  }

  onConnect(handler: () => void): void {
    this.connectHandlers.add(handler);
    if (this.started) handler();
  }

  subscribe(filter: string): void {
    if (this.subscriptions.has(filter)) return;
    const deliver: Deliver = (packet, done) => {
      if (Buffer.isBuffer(packet.payload) && this.deliveredEarly.has(packet.payload)) {
        this.deliveredEarly.delete(packet.payload);
        return done();
      }
      this.handle(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
      done();
    };
    this.subscriptions.set(filter, deliver);
    this.broker.subscribe(filter, deliver, () => {});
  }

  /**
   * Hands a device's QoS 1 publish to the server before the broker sends its PUBACK (the embedded broker calls this
   * once the publish is authorized). aedes acknowledges a QoS 1 message first and passes it on after: a kill in
   * between lost a message (a pad's rating, an alarm) that its device, having its PUBACK, would never send again.
   * Handled here, it is on disk before the PUBACK leaves; a kill before then makes the device send it again, and the
   * device intake's dedupe (by event id) keeps the resend from acting twice.
   */
  deliverBeforeAck(packet: InboundPacket): void {
    if (!this.started || packet.qos !== 1 || !Buffer.isBuffer(packet.payload)) return;
    if (![...this.subscriptions.keys()].some((f) => filterTakes(f, packet.topic))) return;
    this.deliveredEarly.add(packet.payload);
    this.handle(packet.topic, packet.payload);
  }

  private handle(topic: string, payload: Buffer): void {
    for (const h of this.handlers) {
      try {
        h(topic, payload);
      } catch (err) {
        log.error('mqtt handler failed', { topic, error: (err as Error).message });
      }
    }
  }

  publish(topic: string, payload: string | Buffer, opts: { qos?: 0 | 1; retain?: boolean } = {}): void {
    if (!this.started) return;
    const packet = {
      cmd: 'publish' as const,
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos: opts.qos ?? 1,
      retain: opts.retain ?? false,
      dup: false,
    };
    this.outgoing.push(packet);
    if (this.outgoing.length === 1) this.publishNext();
  }

  /**
   * One publish at a time, in order, as over a client connection: aedes stores a retained message before it passes it
   * on, so a later plain message published meanwhile would overtake it, and subscribers then drop the retained one as
   * a duplicate (aedes dedupes by the broker's counter).
   */
  private publishNext(): void {
    const packet = this.outgoing[0];
    if (!packet) return;
    this.broker.publish(packet, (err) => {
      if (err) log.warn('mqtt publish failed', { topic: packet.topic, error: err.message });
      this.outgoing.shift();
      this.publishNext();
    });
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const [filter, deliver] of this.subscriptions) this.broker.unsubscribe(filter, deliver, () => {});
    this.subscriptions.clear();
  }
}
