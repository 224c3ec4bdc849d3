/** The packet guard reads a stream cut anywhere into chunks exactly as whole packets, and refuses on the header. */
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { MQTT_PACKET_LIMITS, publishLimitKind } from '../../devices/protocol/mqtt-limits.js';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { PacketGuard } from '../../server/mqtt/packet-guard.js';

const HALL = 'h';
const t = topics(HALL);
const guard = () => new PacketGuard((topic) => publishLimitKind(HALL, topic));
const publish = (topic: string, size: number) =>
  mqttPacket.generate({
    cmd: 'publish',
    topic,
    payload: Buffer.alloc(size, 0x20),
    qos: 1,
    messageId: 7,
    retain: false,
    dup: false,
  });

/** Feeds `bytes` in chunks of varying sizes (1, 2, 3, … 97 bytes, again), returning the first refusal. */
function feed(g: PacketGuard, bytes: Buffer) {
  let size = 1;
  for (let i = 0; i < bytes.length; i += size, size = (size % 97) + 1) {
    const refusal = g.check(bytes.subarray(i, i + size));
    if (refusal) return { refusal, at: i + size };
  }
  return null;
}

describe('packet guard', () => {
  it('lets a whole session through, whatever the chunking', () => {
    const g = guard();
    expect(
      feed(
        g,
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          clientId: 'p1',
          keepalive: 30,
          username: 'p1',
          password: Buffer.from('x'.repeat(43)),
        }),
      ),
    ).toBeNull();
    g.loginAccepted();
    const session = Buffer.concat([
      mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: t.deviceCmdAll('p1'), qos: 1 }] }),
      publish(t.deviceStatus('p1'), 7),
      publish(t.deviceEvt('p1', 'status'), MQTT_PACKET_LIMITS.evt - 100),
      publish(t.deviceAck('p1'), 60),
      publish(t.deviceCmd('p1', 'print'), 200 * 1024),
      publish(t.calls(), 30 * 1024),
      publish(t.deviceStatus('p1'), 0),
      mqttPacket.generate({ cmd: 'pingreq' }),
      mqttPacket.generate({ cmd: 'puback', messageId: 3 }),
      mqttPacket.generate({ cmd: 'disconnect' }),
    ]);
    expect(feed(g, session)).toBeNull();
  });

  it('refuses an oversized publish once its topic is in, before its body', () => {
    const g = guard();
    g.check(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'p1',
        keepalive: 30,
      }),
    );
    g.loginAccepted();
    const big = publish(t.deviceEvt('p1', 'press'), MQTT_PACKET_LIMITS.evt);
    const cut = feed(g, big);
    expect(cut?.refusal).toMatchObject({ reason: 'packet too large for evt', topic: t.deviceEvt('p1', 'press') });
    // Fixed header (1 + 2 length bytes) + topic length (2) + topic: nothing of the payload was needed.
    expect(cut!.at).toBeLessThanOrEqual(5 + t.deviceEvt('p1', 'press').length + 97);
  });

  it('refuses anything but CONNECT first, and too much before the login', () => {
    expect(guard().check(publish(t.calls(), 10))).toMatchObject({ reason: 'the first packet is not CONNECT' });
    const g = guard();
    g.check(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'a',
        keepalive: 30,
      }),
    );
    expect(
      feed(g, Buffer.concat(Array.from({ length: 5 }, () => publish(t.deviceEvt('a', 'count'), 1500))))?.refusal,
    ).toMatchObject({
      reason: 'too much data before the login was accepted',
    });
  });
});
