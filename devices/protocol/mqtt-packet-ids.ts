/**
 * mqtt-packet (under both aedes and mqtt.js) by default builds a 2-byte Buffer for each of the 65,536 packet ids on
 * its first write: 6 MB of heap for a cache that saves a 2-byte allocation per QoS 1 packet. Turned off before any
 * packet is written; the setting is global to the module, so it covers the broker and the clients alike.
 */
import { writeToStream } from 'mqtt-packet';

export function skipPacketIdCache(): void {
  writeToStream.cacheNumbers = false;
}
