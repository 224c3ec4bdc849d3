/** One MQTT login attempt over real TCP from a chosen loopback address (127.0.0.x: another machine to the broker). */
import { connect, MqttClient } from 'mqtt';
import { createConnection } from 'node:net';

/** `connected`, or the refusal's text (`Connection refused: Not authorized`, …). */
export function tryMqttLogin(mqttUrl: string, username: string, password: string, from = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const { port } = new URL(mqttUrl);
    const c = new MqttClient(() => createConnection({ host: '127.0.0.1', port: Number(port), localAddress: from }), {
      username,
      password,
      clientId: username,
      reconnectPeriod: 0,
      connectTimeout: 60_000,
    });
    const done = (outcome: string) => {
      c.end(true);
      resolve(outcome);
    };
    c.once('connect', () => done('connected'));
    c.once('error', (e) => done(e.message));
    c.once('close', () => done('closed'));
  });
}

/** A registered device's MQTT client, connected (its credentials as POST /devices returned them). */
export async function connectedDevice(
  mqttUrl: string,
  creds: { username: string; password: string },
): Promise<MqttClient> {
  const c = connect(mqttUrl, { ...creds, clientId: creds.username, reconnectPeriod: 0 });
  await new Promise((resolve, reject) => {
    c.once('connect', resolve);
    c.once('error', reject);
  });
  return c;
}
