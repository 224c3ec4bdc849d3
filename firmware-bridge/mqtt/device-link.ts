// One device's MQTT connection: its own login, last will, online/offline, command and desired subscriptions, event outbox.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import {
  parseDeviceTopic,
  topics,
  type AckPayload,
  type DeviceEvents,
  type EventBody,
  type EventName,
  type HallTopics,
} from '../../devices/protocol/mqtt-topics.js';
import type { Logger } from '../util/log.js';
import { Outbox, type OutboxEntry } from './outbox.js';

export interface DeviceLinkOptions {
  mqttUrl: string;
  hallId: string;
  deviceId: string;
  username: string;
  password: string;
  /** The outbox file is `<stateDir>/<deviceId>.outbox.json`. */
  stateDir: string;
  reconnect: { minMs: number; maxMs: number };
  log: Logger;
}

export interface DeviceLinkHandlers {
  /** A message on `cmd/<name>`. */
  command(name: string, payload: Buffer): void;
  /** A message on `desired` (an empty payload = cleared). */
  desired(payload: Buffer): void;
}

/**
 * A button press older than this is dropped unsent: whoever pressed has moved on, and a call made then calls someone
 * to a window nobody watches (QA-M: a press kept through a 3 h outage called the next ticket when the link came back).
 * Sensor events are sent however late: each says how things stand, and a later one supersedes it.
 */
export const PRESS_MAX_AGE_MS = 2 * 60_000;

/** Connection for one hosted device; `start()` returns at once, connecting (and reconnecting) in the background. */
export class DeviceLink {
  private client: MqttClient | undefined;
  private readonly t: HallTopics;
  private readonly outbox: Outbox;
  private readonly inflight = new Set<string>();
  /** When this run emitted each event still in the outbox, on the monotonic clock: an NTP step moves no press's age. */
  private readonly emittedAt = new Map<string, number>();
  private stopping = false;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly opts: DeviceLinkOptions,
    private readonly handlers: DeviceLinkHandlers,
  ) {
    this.t = topics(opts.hallId);
    this.outbox = new Outbox(path.join(opts.stateDir, `${opts.deviceId}.outbox.json`), opts.log);
    // Left by another configuration (another hall id or device id in this state folder): the broker refuses such a
    // publish by cutting the connection, so one entry kept the device offline for good, reconnecting without end.
    const own = this.t.deviceEvt(opts.deviceId, 'press').slice(0, -'press'.length);
    this.outbox.dropUnless((e) => e.topic.startsWith(own), `not this device's event topic (${own}…)`);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** True while the broker connection is up. */
  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** The underlying client (diagnostics and tests). */
  get mqttClient(): MqttClient | undefined {
    return this.client;
  }

  /** Events waiting for a broker PUBACK. */
  get pendingEvents(): number {
    return this.outbox.list().length;
  }

  /** Resolves once the first connection is up and its command subscriptions are granted. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  start(): void {
    const { opts, t } = this;
    const { minMs, maxMs } = opts.reconnect;
    let delay = minMs;
    const status = t.deviceStatus(opts.deviceId);
    const client = mqtt.connect(opts.mqttUrl, {
      // Stable per device: a reconnect takes over a half-dead old session, whose last will then comes out before
      // the new `online`, never after it.
      // The hall's broker ties a client id to its login so no one can take over another device's session: the id is
      // the device id, which is also the MQTT username POST /devices gives out.
      clientId: opts.deviceId,
      username: opts.username,
      password: opts.password,
      clean: true,
      resubscribe: false, // subscriptions are renewed on every connect below
      writeCache: false, // see devices/protocol/mqtt-packet-ids.ts
      reconnectPeriod: minMs,
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      keepalive: 30,
      will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;

    client.on('connect', () => {
      delay = minMs;
      client.options.reconnectPeriod = minMs;
      opts.log.info(`connected to ${opts.mqttUrl}`);
      client.publish(status, 'online', { qos: 1, retain: true });
      client.subscribe(
        { [t.deviceCmdAll(opts.deviceId)]: { qos: 1 }, [t.deviceDesired(opts.deviceId)]: { qos: 1 } },
        (err, granted) => {
          if (err) {
            if (!this.stopping) opts.log.warn(`subscribe failed: ${err.message}`);
            return;
          }
          if (granted?.some((g) => g.qos === 128))
            opts.log.error('broker refused a subscription (check the device ACL)');
          this.markReady();
        },
      );
      this.flush();
    });
    // Backoff: `offline` fires once when the link drops, `reconnect` before each attempt; mqtt.js reads
    // options.reconnectPeriod when it schedules the next attempt.
    client.on('offline', () => {
      if (!this.stopping) opts.log.warn('disconnected from broker; reconnecting');
      client.options.reconnectPeriod = delay;
    });
    // What was on its way when the link died goes back to the outbox, which sends it again after the reconnect with the
    // press age check; left to mqtt.js it was resent unchecked (QA-N: a press acted 225 s late after a Wi-Fi drop).
    client.on('close', () => {
      for (const messageId of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(messageId));
    });
    client.on('reconnect', () => {
      delay = Math.min(maxMs, delay * 2);
      client.options.reconnectPeriod = Math.round(delay * (0.8 + Math.random() * 0.4));
    });
    client.on('error', (err) => {
      if (!this.stopping) opts.log.warn(`mqtt: ${err.message}`);
    });
    client.on('message', (topic, payload, packet) => {
      const parsed = parseDeviceTopic(opts.hallId, topic);
      if (!parsed || parsed.deviceId !== opts.deviceId) return;
      if (parsed.kind === 'desired') return this.handlers.desired(payload);
      if (parsed.kind !== 'cmd' || !parsed.name) return;
      if (packet.retain) {
        opts.log.warn(`ignored retained command on ${topic} (commands are never retained)`);
        return;
      }
      this.handlers.command(parsed.name, payload);
    });
  }

  /** Publishes an ack for a command (QoS 1, not retained). */
  ack(ack: AckPayload): void {
    this.client?.publish(this.t.deviceAck(this.opts.deviceId), JSON.stringify(ack), { qos: 1 });
  }

  /**
   * Queues an event: it gets a unique `id` and `at`, is saved to the outbox file, and is published (QoS 1) now or
   * after the next reconnect; it leaves the outbox when the broker acknowledges it.
   * @example link.emit('press', { button: 'call' })
   */
  emit<N extends EventName>(name: N, body: EventBody<N>): DeviceEvents[N] {
    const event = { id: randomUUID(), at: new Date().toISOString(), ...body } as DeviceEvents[N];
    this.emittedAt.set(event.id, performance.now());
    this.outbox.add({
      id: event.id,
      topic: this.t.deviceEvt(this.opts.deviceId, name),
      payload: JSON.stringify(event),
    });
    this.flush();
    return event;
  }

  /**
   * Publishes `offline` (retained) and disconnects cleanly (so the broker drops the last will) when connected;
   * otherwise just stops reconnecting. Unsent events stay in the outbox file.
   */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client || this.stopping) return;
    this.stopping = true;
    const within = <T>(p: Promise<T>, ms: number) =>
      Promise.race([
        p.then(
          () => true,
          () => true,
        ),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref()),
      ]);
    if (client.connected) {
      await within(
        client.publishAsync(this.t.deviceStatus(this.opts.deviceId), 'offline', { qos: 1, retain: true }),
        2_000,
      );
      if (await within(client.endAsync(), 2_000)) return;
      client.stream?.destroy(); // the broker did not answer: drop the socket
      return;
    }
    await client.endAsync(true).catch(() => undefined);
  }

  /** Publishes every outbox entry not already on its way; mqtt.js itself resends in-flight ones after a reconnect. */
  private flush(): void {
    const client = this.client;
    if (!client?.connected || this.stopping) return;
    // Its age by the monotonic clock when this run emitted it, else (a previous run's) by the wall clock.
    const age = (e: OutboxEntry) => {
      const at = this.emittedAt.get(e.id);
      return at !== undefined ? performance.now() - at : Date.now() - eventTime(e.payload);
    };
    this.outbox.dropUnless(
      (e) => !e.topic.endsWith('/evt/press') || age(e) <= PRESS_MAX_AGE_MS,
      `a press older than ${PRESS_MAX_AGE_MS / 60_000} min acts on nobody`,
    );
    const left = new Set(this.outbox.list().map((e) => e.id));
    for (const id of this.emittedAt.keys()) if (!left.has(id)) this.emittedAt.delete(id);
    for (const entry of this.outbox.list()) {
      if (this.inflight.has(entry.id)) continue;
      this.inflight.add(entry.id);
      client.publish(entry.topic, entry.payload, { qos: 1 }, (err) => {
        this.inflight.delete(entry.id);
        if (!err) this.outbox.remove(entry.id);
        else if (!this.stopping) this.opts.log.debug(`event ${entry.id} not delivered yet: ${err.message}`);
      });
    }
  }
}

/** The `at` of an event's JSON, in epoch ms (0 when unreadable: such an entry is as old as can be). */
function eventTime(payload: string): number {
  try {
    const at = Date.parse((JSON.parse(payload) as { at?: string }).at ?? '');
    return Number.isNaN(at) ? 0 : at;
  } catch {
    return 0;
  }
}
