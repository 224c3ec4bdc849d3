/** One registered printer flooding evt/status with fresh event ids as fast as its connection takes them. */
import mqtt from 'mqtt';
import { topics } from '../../../devices/protocol/mqtt-topics.js';
import { assertLocal, type Attack } from './attack.js';

export const statusFlood: Attack = async (target, budget) => {
  assertLocal(target);
  const started = Date.now();
  const t = topics(target.hallId);
  const { id, mqtt: creds } = target.flooder;
  const client = await mqtt.connectAsync(`mqtt://${target.host}:${target.mqttPort}`, {
    username: creds.username,
    password: creds.password,
    clientId: creds.username,
    reconnectPeriod: 0,
    connectTimeout: budget.holdMs,
  });
  const connectMs = Date.now() - started;
  let sent = 0;
  let endedByServer = false;
  client.on('close', () => (endedByServer = sent < budget.count && Date.now() - started < budget.holdMs));
  try {
    while (sent < budget.count && Date.now() - started < budget.holdMs && client.connected) {
      const batch = [];
      for (let i = 0; i < 100 && sent < budget.count; i++, sent++) {
        const paper = sent % 2 ? 'ok' : 'low';
        batch.push(
          client
            .publishAsync(
              t.deviceEvt(id, 'status'),
              JSON.stringify({ id: `flood-${started}-${sent}`, paper, cover: 'closed' }),
              { qos: 1 },
            )
            .catch(() => undefined),
        );
      }
      await Promise.all(batch);
    }
  } finally {
    await client.endAsync(true);
  }
  const note = `evt/status messages published by one printer after a ${connectMs} ms login (endedByServer 1: it was disconnected)`;
  return { name: 'status-flood', attempts: sent, endedByServer: endedByServer ? 1 : 0, ms: Date.now() - started, note };
};
