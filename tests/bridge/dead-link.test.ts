// A press sent into a link that has died without a word (Wi-Fi gone: no FIN, the keepalive not yet expired) goes back to
// the outbox when the link is found dead, so the 2-minute age check holds for it too (QA-N: mqtt.js resent it by
// itself after the reconnect, and a 225 s old press called someone).
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { DeviceLink, PRESS_MAX_AGE_MS } from '../../firmware-bridge/mqtt/device-link.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { TestBroker, delay, tempDir, waitFor } from './helpers.js';

const t = topics('test-hall');

/** A TCP relay to the broker that can swallow every byte both ways, as a dead Wi-Fi link does. */
async function relay(to: number): Promise<{ port: number; dead: boolean; close(): void }> {
  const sockets = new Set<net.Socket>();
  const state = { port: 0, dead: false, close: () => (server.close(), sockets.forEach((s) => s.destroy())) };
  const server = net.createServer((client) => {
    const broker = net.connect(to, '127.0.0.1');
    for (const s of [client, broker]) (sockets.add(s), s.on('error', () => undefined));
    client.on('data', (d) => state.dead || broker.write(d));
    broker.on('data', (d) => state.dead || client.write(d));
    client.on('close', () => broker.destroy());
    broker.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}

describe('a press sent into a link that died unnoticed', () => {
  const broker = new TestBroker();
  const state = tempDir();
  afterEach(async () => {
    vi.restoreAllMocks();
    await broker.stop();
    state.remove();
  });

  it.each([
    ['is dropped once older than 2 minutes', PRESS_MAX_AGE_MS + 60_000, 0],
    ['is sent again, once, while fresh', 0, 1],
  ])('%s', async (_what, agedMs, delivered) => {
    await broker.start();
    const wire = await relay(Number(new URL(broker.url).port));
    const link = new DeviceLink(
      {
        mqttUrl: `mqtt://127.0.0.1:${wire.port}`,
        hallId: 'test-hall',
        deviceId: 'button-7',
        username: 'button-7',
        password: 'x',
        stateDir: state.dir,
        reconnect: { minMs: 100, maxMs: 200 },
        log: silentLogger,
      },
      { command: () => undefined, desired: () => undefined },
    );
    link.start();
    try {
      await link.whenReady();
      wire.dead = true;
      link.emit('press', { button: 'call' });
      await delay(100); // written into the dead link: in flight, no PUBACK
      const now = performance.now();
      vi.spyOn(performance, 'now').mockImplementation(() => now + agedMs);
      link.mqttClient!.stream.destroy(); // the keepalive finds the link dead
      wire.dead = false;
      await waitFor('reconnected', () => link.connected, 8_000);
      await waitFor('outbox emptied', () => link.pendingEvents === 0, 8_000);
      await delay(300);
      expect(broker.json(t.deviceEvt('button-7', 'press'))).toHaveLength(delivered);
    } finally {
      await link.stop();
      wire.close();
    }
  });
});
