/** Many parallel MQTT logins with wrong passwords: each must be refused without the broker slowing the hall. */
import { MqttClient } from 'mqtt';
import { createConnection } from 'node:net';
import { assertLocal, type Attack } from './attack.js';

/** One CONNECT with bad credentials; resolves true when the broker refused or closed it. */
function badLogin(to: { host: string; port: number; from: string }, i: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const stream = () => createConnection({ host: to.host, port: to.port, localAddress: to.from });
    const client = new MqttClient(stream, {
      username: `dev-guess-${i}`,
      password: `wrong-${i}`,
      clientId: `dev-guess-${i}`,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    });
    const done = (refused: boolean) => {
      client.end(true);
      resolve(refused);
    };
    client.once('connect', () => done(false));
    client.once('error', () => done(true));
    client.once('close', () => done(true));
  });
}

export const mqttBadLogins: Attack = async (target, budget) => {
  assertLocal(target);
  const started = Date.now();
  const to = { host: target.host, port: target.mqttPort, from: target.from };
  const results = await Promise.all(Array.from({ length: budget.count }, (_, i) => badLogin(to, i, budget.holdMs)));
  return {
    name: 'mqtt-bad-logins',
    attempts: results.length,
    endedByServer: results.filter(Boolean).length,
    ms: Date.now() - started,
    note: 'parallel bad MQTT logins refused',
  };
};
