/**
 * The hall's devices on MQTT: printers, LED boards, speakers, pads, buttons and sensors log in with their own
 * credentials, say they are online, take their commands (and ack them) and report status now and then.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../../devices/protocol/mqtt-topics.js';

export interface RegisteredDevice {
  id: string;
  kind: string;
  mqtt: { username: string; password: string };
}

export interface DeviceFleet {
  connected(): number;
  commands: number;
  stop(): Promise<void>;
}

export function startDevices(
  mqttUrl: string,
  hallId: string,
  devices: RegisteredDevice[],
  statusEveryMs: number,
): DeviceFleet {
  const t = topics(hallId);
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  const fleet: DeviceFleet = {
    connected: () => clients.filter((c) => c.connected).length,
    commands: 0,
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(clients.map((c) => c.endAsync(true)));
    },
  };
  let eventId = 0;
  for (const d of devices) {
    const client = mqtt.connect(mqttUrl, {
      username: d.mqtt.username,
      password: d.mqtt.password,
      clientId: d.mqtt.username,
      reconnectPeriod: 1000,
      will: { topic: t.deviceStatus(d.id), payload: Buffer.from('offline'), retain: true, qos: 1 },
    });
    client.on('error', () => undefined);
    client.on('connect', () => {
      client.publish(t.deviceStatus(d.id), 'online', { retain: true, qos: 1 });
      client.subscribe([t.deviceCmdAll(d.id), t.deviceDesired(d.id)], { qos: 1 });
    });
    client.on('message', (topic, payload) => {
      if (!topic.includes('/cmd/')) return;
      fleet.commands++;
      try {
        const { id } = JSON.parse(payload.toString()) as { id: string };
        client.publish(t.deviceAck(d.id), JSON.stringify({ id, ok: true }), { qos: 1 });
      } catch {
        /* not ours to judge */
      }
    });
    if (d.kind === 'printer') {
      timers.push(
        setInterval(() => {
          if (client.connected)
            client.publish(
              t.deviceEvt(d.id, 'status'),
              JSON.stringify({
                id: `${d.id}-${++eventId}`,
                at: new Date().toISOString(),
                paper: 'ok',
                cover: 'closed',
              }),
              { qos: 1 },
            );
        }, statusEveryMs),
      );
    }
    clients.push(client);
  }
  return fleet;
}
