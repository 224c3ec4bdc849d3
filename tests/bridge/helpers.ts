// Test harness for the bridge: an in-process aedes broker on a real port, a publish log, and polling waits.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes } from 'aedes';

export interface Published {
  topic: string;
  text: string;
  retain: boolean;
  qos: number;
}

/** An aedes broker on 127.0.0.1 that records every publish it routes (device publishes and last wills included). */
export class TestBroker {
  readonly log: Published[] = [];
  private broker: Aedes | undefined;
  private server: net.Server | undefined;
  port = 0;

  async start(port = this.port): Promise<this> {
    const broker = await Aedes.createBroker();
    broker.on('publish', (packet) => {
      if (packet.topic.startsWith('$SYS')) return;
      this.log.push({
        topic: packet.topic,
        text: Buffer.from(packet.payload).toString('utf8'),
        retain: packet.retain,
        qos: packet.qos,
      });
    });
    const server = net.createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.broker = broker;
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Publishes as the server would (QoS 1). */
  publish(topic: string, payload: unknown, retain = false): Promise<void> {
    const broker = this.broker;
    if (!broker) throw new Error('broker is down');
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return new Promise((resolve, reject) =>
      broker.publish({ cmd: 'publish', topic, payload: Buffer.from(text), qos: 1, retain, dup: false }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  /** Messages on `topic`, JSON-decoded when possible. */
  on(topic: string): Published[] {
    return this.log.filter((p) => p.topic === topic);
  }

  json<T = Record<string, unknown>>(topic: string): T[] {
    return this.on(topic).map((p) => JSON.parse(p.text) as T);
  }

  /** Closes the broker and its port; connected clients are dropped. */
  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = undefined;
    this.server = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls `check` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallq-bridge-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
