/**
 * Watches the bytes a client sends to the embedded broker and names the reason to hang up before aedes buffers a
 * packet that is too big: mqtt-packet keeps a whole packet in memory until its last byte, however long its header
 * says it is. Checks the declared length against the limit of the packet's kind (of its topic, for a PUBLISH),
 * that the first packet is CONNECT, and that a client not yet logged in sends no more than a CONNECT's worth.
 */
import type { Socket } from 'node:net';
import {
  MQTT_MAX_PACKET,
  MQTT_MAX_TOPIC_BYTES,
  MQTT_PACKET_LIMITS,
  type MqttLimitKind,
} from '../../devices/protocol/mqtt-limits.js';

const CONNECT = 1;
const PUBLISH = 3;

/** Bytes a client may send before its login is accepted: one CONNECT and a little that was sent right after it. */
export const PRE_LOGIN_BYTES = MQTT_PACKET_LIMITS.connect + MQTT_PACKET_LIMITS.control;

export interface PacketRefusal {
  reason: string;
  /** Declared remaining length of the refused packet. */
  size?: number;
  topic?: string;
}

type Phase = 'header' | 'length' | 'topic' | 'body';

export class PacketGuard {
  private phase: Phase = 'header';
  private packets = 0;
  private type = 0;
  private length = 0;
  private lengthBytes = 0;
  private multiplier = 1;
  /** Bytes of the current packet's body still to come. */
  private left = 0;
  private topicBytes: number[] = [];
  private received = 0;
  private loggedIn = false;

  constructor(private readonly limitFor: (topic: string) => MqttLimitKind) {}

  /** The login was accepted: from now on only the per-packet limits apply. */
  loginAccepted(): void {
    this.loggedIn = true;
  }

  /** Checks the next bytes of the stream; a refusal means: close the connection now. */
  check(chunk: Buffer): PacketRefusal | null {
    this.received += chunk.length;
    if (!this.loggedIn && this.received > PRE_LOGIN_BYTES)
      return { reason: 'too much data before the login was accepted' };
    let i = 0;
    while (i < chunk.length) {
      if (this.phase === 'body') {
        const n = Math.min(this.left, chunk.length - i);
        this.left -= n;
        i += n;
        if (this.left === 0) this.phase = 'header';
        continue;
      }
      const byte = chunk[i++]!;
      const refusal =
        this.phase === 'header'
          ? this.onHeader(byte)
          : this.phase === 'length'
            ? this.onLength(byte)
            : this.onTopicByte(byte);
      if (refusal) return refusal;
    }
    return null;
  }

  private onHeader(byte: number): PacketRefusal | null {
    this.type = byte >> 4;
    if (this.packets++ === 0 && this.type !== CONNECT) return { reason: 'the first packet is not CONNECT' };
    this.phase = 'length';
    this.length = 0;
    this.lengthBytes = 0;
    this.multiplier = 1;
    return null;
  }

  private onLength(byte: number): PacketRefusal | null {
    this.length += (byte & 0x7f) * this.multiplier;
    this.multiplier *= 128;
    if (byte & 0x80) return ++this.lengthBytes >= 4 ? { reason: 'malformed remaining length' } : null;
    if (this.type === PUBLISH) {
      // The topic decides the limit; until it is known, no packet may exceed the largest limit of all.
      if (this.length > MQTT_MAX_PACKET) return { reason: 'packet too large', size: this.length };
      this.topicBytes = [];
      return this.enter('topic', this.length);
    }
    const limit = this.type === CONNECT ? MQTT_PACKET_LIMITS.connect : MQTT_PACKET_LIMITS.control;
    if (this.length > limit)
      return { reason: this.type === CONNECT ? 'CONNECT too large' : 'packet too large', size: this.length };
    return this.enter('body', this.length);
  }

  /** Collects the PUBLISH topic (two length bytes, then the name) and applies its limit. */
  private onTopicByte(byte: number): PacketRefusal | null {
    this.topicBytes.push(byte);
    this.left--;
    const t = this.topicBytes;
    const topicLength = t.length >= 2 ? (t[0]! << 8) | t[1]! : -1;
    if (topicLength > MQTT_MAX_TOPIC_BYTES) return { reason: 'topic too long', size: this.length };
    if (topicLength >= 0 && t.length === topicLength + 2) {
      const topic = Buffer.from(t.slice(2)).toString('utf8');
      const kind = this.limitFor(topic);
      if (this.length > MQTT_PACKET_LIMITS[kind])
        return { reason: `packet too large for ${kind}`, size: this.length, topic };
      return this.enter('body', this.left);
    }
    return this.left === 0 ? { reason: 'malformed PUBLISH' } : null;
  }

  private enter(phase: 'topic' | 'body', left: number): null {
    this.left = left;
    this.phase = left === 0 ? 'header' : phase;
    return null;
  }
}

/**
 * Puts `guard` between a client's socket and aedes, which pulls its bytes with `read()`: a refused stream is cut
 * before aedes sees the bytes, so nothing of an oversized packet is kept.
 */
export function guardSocket(socket: Socket, guard: PacketGuard, onRefusal: (refusal: PacketRefusal) => void): void {
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk: unknown = read(size);
    if (!Buffer.isBuffer(chunk)) return chunk;
    const refusal = guard.check(chunk);
    if (!refusal) return chunk;
    socket.destroy();
    onRefusal(refusal);
    return null;
  };
}
