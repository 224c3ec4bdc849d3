// Largest MQTT packets the hall's broker accepts, per kind of packet and topic (the whole packet after its fixed
// header, i.e. MQTT's "remaining length": topic, packet id and payload). A bigger one closes the connection.
import { parseDeviceTopic, TOPIC_ROOT } from './mqtt-topics.js';

export const MQTT_PACKET_LIMITS = {
  /** CONNECT: client id, username, password (43 characters), a last will of `offline`. */
  connect: 2048,
  /** SUBSCRIBE, UNSUBSCRIBE, acks, pings: a few topic filters. */
  control: 4096,
  /** `devices/<id>/status`: `online` / `offline`. */
  status: 512,
  /** `devices/<id>/ack`: `{id, ok, error?}` (id ≤ 128, error ≤ 500 characters). */
  ack: 2048,
  /** `devices/<id>/evt/<name>`: small JSON events. */
  evt: 2048,
  /** `devices/<id>/cmd/<name>`: the largest is a print job (a ticket's ESC/POS, base64: a few kB). */
  cmd: 256 * 1024,
  /** `devices/<id>/desired`: up to 32 lines of 500 characters. */
  desired: 64 * 1024,
  /** `state/…`: the hall's retained state (the latest calls, a counter, a queue, the active playbook). */
  state: 64 * 1024,
  /** Any other topic (nobody but the server may publish there, and it does not). */
  other: 2048,
} as const;

export type MqttLimitKind = keyof typeof MQTT_PACKET_LIMITS;

/** Longest topic name accepted in a PUBLISH; the hall's topics are well under 200 bytes. */
export const MQTT_MAX_TOPIC_BYTES = 512;

/** The largest packet of any kind: what an external broker's single `max_packet_size` must allow. */
export const MQTT_MAX_PACKET = Math.max(...Object.values(MQTT_PACKET_LIMITS));

/**
 * The limit kind of a PUBLISH topic of this hall.
 * @example publishLimitKind('h', 'hallq/h/devices/p1/evt/status') // 'evt'
 */
export function publishLimitKind(hallId: string, topic: string): MqttLimitKind {
  const device = parseDeviceTopic(hallId, topic);
  if (device) return device.kind;
  return topic.startsWith(`${TOPIC_ROOT}/${hallId}/state/`) ? 'state' : 'other';
}
