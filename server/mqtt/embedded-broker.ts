/**
 * The embedded MQTT broker (aedes) that `npm start` runs unless MQTT_URL names an external one. Rights live in its
 * hooks: the server may do anything in its hall; a device publishes only under its own devices/<id>/ (status, ack,
 * evt) and reads its commands, desired state and the public state; anonymous clients read the public state only.
 */
import { Aedes, type Client } from 'aedes';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { skipPacketIdCache } from '../../devices/protocol/mqtt-packet-ids.js';
import { deviceMayPublish, deviceMaySubscribe, topics } from '../../devices/protocol/mqtt-topics.js';
import { log } from '../log.js';
import type { Accounts } from '../store/accounts.js';
import { SERVER_MQTT_USERNAME } from './server-credentials.js';

type Identity = { role: 'server' } | { role: 'device'; deviceId: string } | { role: 'anonymous' };

const identities = new WeakMap<Client, Identity>();

export interface EmbeddedBroker {
  /** The broker itself, for the server's in-process link. */
  aedes: Aedes;
  port: number;
  url: string;
  close(): Promise<void>;
}

function refusal(code: 2 | 4 | 5, message: string) {
  return Object.assign(new Error(message), { returnCode: code });
}

export async function startEmbeddedBroker(opts: {
  port: number;
  host?: string;
  hallId: string;
  accounts: Accounts;
  serverPassword: string;
}): Promise<EmbeddedBroker> {
  const t = topics(opts.hallId);
  skipPacketIdCache();
  const broker = await Aedes.createBroker({
    // A client id is tied to its login (as Mosquitto's use_username_as_clientid does): MQTT drops the older session
    // of a reused id, so otherwise anyone could knock the server or a device off the broker.
    authenticate(client, username, password, done) {
      if (!username) {
        if (client.id.startsWith('hallq') || opts.accounts.getDevice(client.id))
          return done(refusal(2, 'this client id is reserved'), false);
        identities.set(client, { role: 'anonymous' });
        return done(null, true);
      }
      // The server's login may open more than one connection (tools, benchmarks): hallq-server, hallq-server-*.
      const idMatches = username === SERVER_MQTT_USERNAME ? client.id === username || client.id.startsWith(`${username}-`) : client.id === username;
      if (!idMatches) return done(refusal(2, 'the client id must be the username'), false);
      const pw = password?.toString('utf8') ?? '';
      if (username === SERVER_MQTT_USERNAME) {
        if (pw === opts.serverPassword) {
          identities.set(client, { role: 'server' });
          return done(null, true);
        }
        return done(refusal(4, 'bad username or password'), false);
      }
      opts.accounts.checkDeviceCredentialsAsync(username, pw).then(
        (device) => {
          if (!device) return done(refusal(4, 'bad username or password'), false);
          identities.set(client, { role: 'device', deviceId: device.id });
          done(null, true);
        },
        () => done(refusal(4, 'bad username or password'), false),
      );
    },
    authorizePublish(client, packet, callback) {
      if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS is reserved'));
      const id = client ? identities.get(client) : undefined;
      if (id?.role === 'server') return callback(null);
      if (id?.role === 'device' && deviceMayPublish(opts.hallId, id.deviceId, packet.topic)) return callback(null);
      log.warn('mqtt publish refused', { client: client?.id, role: id?.role ?? 'unknown', topic: packet.topic });
      callback(new Error('not allowed to publish here'));
    },
    authorizeSubscribe(client, sub, callback) {
      const id = identities.get(client);
      const allowed =
        id?.role === 'server' ||
        (id?.role === 'device' && deviceMaySubscribe(opts.hallId, id.deviceId, sub.topic)) ||
        (id?.role === 'anonymous' && sub.topic.startsWith(`${t.root}/state/`));
      if (allowed) return callback(null, sub);
      log.warn('mqtt subscribe refused', { client: client.id, role: id?.role ?? 'unknown', topic: sub.topic });
      callback(null, null);
    },
  });
  const server: Server = createServer(broker.handle as (socket: import('node:net').Socket) => void);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    aedes: broker,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
