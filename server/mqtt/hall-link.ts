/** The server's MQTT connection to an external broker (Mosquitto): reconnects and resubscribes by itself. */
import mqtt, { type MqttClient } from 'mqtt';
import { log } from '../log.js';
import type { MessageHandler, MqttLink } from './mqtt-link.js';
import { SERVER_MQTT_USERNAME } from './server-credentials.js';

/** Retries after the broker refused the login: from 1 s, doubling to this (a fixed file is picked up within it). */
const MAX_REFUSED_RETRY_MS = 15_000;

export class HallLink implements MqttLink {
  private client?: MqttClient;
  private downSince: number | undefined = Date.now();
  private lastError: string | undefined;
  private refusedRetryMs = 1000;
  private readonly handlers = new Set<MessageHandler>();
  private readonly connectHandlers = new Set<() => void>();
  private readonly subscriptions = new Set<string>();

  constructor(
    private readonly url: string,
    private readonly password: string,
    private readonly clientId: string,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get down(): { since: number; error?: string } | undefined {
    return this.downSince === undefined ? undefined : { since: this.downSince, error: this.lastError };
  }

  async start(): Promise<void> {
    this.client = mqtt.connect(this.url, {
      username: SERVER_MQTT_USERNAME,
      password: this.password,
      clientId: this.clientId,
      // A lasting session: while the server is away (a restart, a crash) the broker keeps what devices send it at
      // QoS 1 — and has already acknowledged to them — and hands it over when the server is back.
      clean: false,
      reconnectPeriod: 1000,
      // A refused login (a passwd or ACL file Mosquitto could not read) is tried again: mqtt.js gives up by default,
      // and the hall was left without printers, speakers and buttons until a restart.
      reconnectOnConnackError: true,
      connectTimeout: 5000,
      resubscribe: true,
      writeCache: false, // see devices/protocol/mqtt-packet-ids.ts
    });
    for (const filter of this.subscriptions) this.client.subscribe(filter, { qos: 1 });
    this.client.on('message', (topic, payload) => {
      for (const h of this.handlers) {
        try {
          h(topic, payload);
        } catch (err) {
          log.error('mqtt handler failed', { topic, error: (err as Error).message });
        }
      }
    });
    this.client.on('connect', () => {
      log.info('mqtt connected', { url: this.url });
      this.downSince = undefined;
      this.lastError = undefined;
      this.refusedRetryMs = 1000;
      this.client!.options.reconnectPeriod = 1000;
      for (const fn of this.connectHandlers) fn();
    });
    this.client.on('offline', () => {
      this.downSince ??= Date.now();
      log.warn('mqtt offline; reconnecting', { url: this.url });
    });
    this.client.on('error', (err) => {
      this.downSince ??= Date.now();
      const refused =
        typeof (err as { code?: unknown }).code === 'number' && err.message.startsWith('Connection refused');
      if (!refused) {
        this.lastError = err.message;
        log.warn('mqtt error', { error: err.message });
        return;
      }
      // Said once per outage at error level; the retries back off.
      if (this.lastError !== err.message)
        log.error('the broker refused the hall server’s login; trying again', {
          url: this.url,
          error: err.message,
          check: 'the broker’s passwd and acl files are readable to it (docs/devices.md)',
        });
      this.lastError = err.message;
      this.client!.options.reconnectPeriod = this.refusedRetryMs;
      this.refusedRetryMs = Math.min(this.refusedRetryMs * 2, MAX_REFUSED_RETRY_MS);
    });
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      this.client!.once('connect', done);
      // Start anyway after a while: the hall serves people without its broker, and catches up on reconnect.
      setTimeout(done, 5000).unref();
    });
  }

  onMessage(handler: MessageHandler): void {
    this.handlers.add(handler);
  }

  onConnect(handler: () => void): void {
    this.connectHandlers.add(handler);
    if (this.connected) handler();
  }

  subscribe(filter: string): void {
    if (this.subscriptions.has(filter)) return;
    this.subscriptions.add(filter);
    this.client?.subscribe(filter, { qos: 1 });
  }

  publish(topic: string, payload: string | Buffer, opts: { qos?: 0 | 1; retain?: boolean } = {}): void {
    this.client?.publish(topic, payload, { qos: opts.qos ?? 1, retain: opts.retain ?? false });
  }

  /**
   * Ends gracefully, but for at most 2 s: a graceful end waits for in-flight QoS 1 messages, which a broker that has
   * gone quiet never acknowledges. Nothing is lost by cutting it short: commands wait in the outbox (SQLite) and the
   * retained state is published again on the next connect.
   */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const graceful = client.endAsync().then(() => true);
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
    const ended = await Promise.race([graceful, late]);
    clearTimeout(timer);
    if (!ended) {
      log.warn('mqtt link did not end within 2 s; closing it');
      await client.endAsync(true);
    }
  }
}
