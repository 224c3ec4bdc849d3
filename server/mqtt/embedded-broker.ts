/**
 * The embedded MQTT broker (aedes) that `npm start` runs unless MQTT_URL names an external one. Rights live in its
 * hooks: the server may do anything in its hall; a device publishes only under its own devices/<id>/ (status, ack,
 * evt) and reads its commands, desired state and the public state; anonymous clients read the public state only.
 * Limits (docs/devices.md § Limits): packet sizes per topic kind (cut before buffering), CONNECT within 5 s, MQTT
 * logins throttled and their password checks bounded, connections bounded with a part kept for the devices
 * (connection-limits.ts), a removed device's connection dropped at once.
 */
import { Aedes, type Client } from 'aedes';
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { publishLimitKind } from '../../devices/protocol/mqtt-limits.js';
import { skipPacketIdCache } from '../../devices/protocol/mqtt-packet-ids.js';
import { deviceMayPublish, deviceMayRetain, deviceMaySubscribe, topics } from '../../devices/protocol/mqtt-topics.js';
import { log } from '../log.js';
import type { CredentialCheck } from '../security/passwords.js';
import type { Accounts, Device } from '../store/accounts.js';
import { ConnectionLimits, type MqttConnectionSettings } from './connection-limits.js';
import { MqttLoginGate } from './login-gate.js';
import { guardSocket, PacketGuard } from './packet-guard.js';
import { SERVER_MQTT_USERNAME } from './server-credentials.js';
import { RetainedStreams, type RetainedSource } from './retained-streams.js';
import { UnsentBudget } from './unsent-budget.js';

/** A client must have sent CONNECT this soon after opening its connection. */
export const MQTT_CONNECT_TIMEOUT_MS = 5000;
/** Topic filters one client (other than the server's login) may hold: every distinct one costs the broker memory. */
export const MQTT_MAX_SUBSCRIPTIONS = 64;
/**
 * Topic filters one client (other than the server's login) may ask for in one connection, repeats included. Each
 * granted SUBSCRIBE makes aedes stream every retained message under the filter to the client after the SUBACK, work
 * the client's packet flow does not hold back: re-subscribing to `state/#` in a loop grew the heap by ~120 MB a second.
 * A device asks for a handful once per connection; past the budget the connection is cut.
 */
export const MQTT_MAX_SUBSCRIBE_REQUESTS = 4 * MQTT_MAX_SUBSCRIPTIONS;
/** Sockets Node itself accepts at most: a backstop above the broker's own bound (connection-limits.ts). */
const SOCKETS_BACKSTOP_MARGIN = 100;

type Identity = { role: 'server' } | { role: 'device'; deviceId: string } | { role: 'anonymous' };

const identities = new WeakMap<Client, Identity>();
const guards = new WeakMap<object, PacketGuard>();
const filters = new WeakMap<Client, Set<string>>();
const subscribeRequests = new WeakMap<Client, number>();

export interface EmbeddedBroker {
  /** The broker itself, for the server's in-process link. */
  aedes: Aedes;
  port: number;
  url: string;
  /** Login throttle and password-check counters. */
  logins: MqttLoginGate;
  /** Open connections, the trusted addresses and their counters. */
  connections: ConnectionLimits;
  /**
   * Called with each device's QoS 1 publish once it is authorized, before aedes sends its PUBACK (BrokerLink's
   * deliverBeforeAck: what a device was told is received must be handled first).
   */
  beforeDeviceAck?: (packet: { topic: string; payload: Buffer | string; qos: number }) => boolean | void;
  /** Drops at once the connections of devices that are no longer registered (call after removing one). */
  disconnectRemovedDevices(): void;
  close(): Promise<void>;
}

function refusal(code: 2 | 3 | 4 | 5, message: string) {
  return Object.assign(new Error(message), { returnCode: code });
}

/** Whether a login that trusts an address still exists (a removed device's does not); false once the store is closed. */
function loginStillValid(accounts: Accounts, who: string): boolean {
  if (!who.startsWith('device:')) return true;
  try {
    return accounts.getDevice(who.slice('device:'.length)) !== undefined;
  } catch {
    return false;
  }
}

function addressOf(client: Client): string {
  return (client.conn as Socket).remoteAddress ?? 'unknown';
}

function sameSecret(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export async function startEmbeddedBroker(opts: {
  port: number;
  host?: string;
  hallId: string;
  accounts: Accounts;
  serverPassword: string;
  connectTimeoutMs?: number;
  /** Connection bounds; `maxPerAddress` comes from HALLQ_MQTT_MAX_PER_ADDRESS. */
  connectionLimits?: Partial<MqttConnectionSettings>;
  /** A login failed its password check (not one refused unchecked by the throttle or a full line): the audit trail. */
  onLoginFailed?: (username: string, address: string) => void;
}): Promise<EmbeddedBroker> {
  const t = topics(opts.hallId);
  const logins = new MqttLoginGate();
  const connections = new ConnectionLimits(opts.connectionLimits, Date.now, (who) =>
    loginStillValid(opts.accounts, who),
  );
  const deviceClients = new Map<string, Set<Client>>();
  const unsent = new UnsentBudget((socket, bytes, why) =>
    connections.warn('mqtt connection cut', { address: socket.remoteAddress, reason: why, unsent: bytes }),
  );
  // The trail writes to the log; a log that cannot take it (disk full) must not turn a refusal into a crash.
  const noteFailedLogin = (username: string, address: string) => {
    try {
      opts.onLoginFailed?.(username, address);
    } catch (err) {
      log.error('failed device login not audited', { address, error: (err as Error).message });
    }
  };
  const retained = new RetainedStreams<Client>();
  skipPacketIdCache();
  const broker = await Aedes.createBroker({
    connectTimeout: opts.connectTimeoutMs ?? MQTT_CONNECT_TIMEOUT_MS,
    // A client id is tied to its login (as Mosquitto's use_username_as_clientid does): MQTT drops the older session
    // of a reused id, so otherwise anyone could knock the server or a device off the broker.
    authenticate(client, username, password, done) {
      const socket = client.conn as Socket;
      connections.connectReceived(socket);
      const accepted = (identity: Identity) => {
        identities.set(client, identity);
        guards.get(socket)?.loginAccepted();
        connections.loggedIn(
          socket,
          identity.role,
          identity.role === 'device' ? `device:${identity.deviceId}` : identity.role,
        );
        if (identity.role !== 'anonymous') unsent.loginAccepted(socket);
        done(null, true);
      };
      // aedes keeps every QoS 1 message for a persistent session until it is acked, without limit, also for a client
      // that never comes back. Devices and anonymous readers use clean sessions: the server's command outbox resends
      // what a device missed, and retained topics give the state.
      if (!client.clean && username !== SERVER_MQTT_USERNAME)
        return done(refusal(2, 'only clean sessions are offered: connect with the clean session flag set'), false);
      if (!username) {
        if (client.id.startsWith('hallq') || opts.accounts.getDevice(client.id))
          return done(refusal(2, 'this client id is reserved'), false);
        if (!connections.mayAcceptAnonymous()) {
          connections.warn('mqtt login refused', { address: addressOf(client), why: 'too many anonymous readers' });
          return done(refusal(3, 'too many anonymous readers; try again later'), false);
        }
        return accepted({ role: 'anonymous' });
      }
      // The server's login may open more than one connection (tools, benchmarks): hallq-server, hallq-server-*.
      const idMatches =
        username === SERVER_MQTT_USERNAME
          ? client.id === username || client.id.startsWith(`${username}-`)
          : client.id === username;
      if (!idMatches) return done(refusal(2, 'the client id must be the username'), false);
      const pw = password?.toString('utf8') ?? '';
      const address = addressOf(client);
      const verify = (): CredentialCheck<Identity> => {
        if (username === SERVER_MQTT_USERNAME)
          return { now: sameSecret(pw, opts.serverPassword) ? { role: 'server' } : undefined };
        const check = opts.accounts.checkDeviceCredentials(username, pw);
        const asDevice = (device: Device | undefined): Identity | undefined =>
          device ? { role: 'device', deviceId: device.id } : undefined;
        return 'now' in check ? { now: asDevice(check.now) } : { later: async () => asDevice(await check.later()) };
      };
      logins.check(address, username, verify).then(
        (outcome) => {
          if (outcome.ok) return accepted(outcome.value);
          if (outcome.why === 'bad') noteFailedLogin(username, address);
          else connections.warn('mqtt login refused', { address, username, why: outcome.why });
          if (outcome.why === 'throttled') return done(refusal(5, 'too many failed logins; wait a minute'), false);
          if (outcome.why === 'busy') return done(refusal(3, 'too many logins at once; try again'), false);
          done(refusal(4, 'bad username or password'), false);
        },
        () => done(refusal(4, 'bad username or password'), false),
      );
    },
    authorizePublish(client, packet, callback) {
      if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS is reserved'));
      const id = client ? identities.get(client) : undefined;
      if (id?.role === 'server') return callback(null);
      // A removed device's publishes (a retained `online`, its last will) are refused even before it is dropped.
      if (
        id?.role === 'device' &&
        deviceMayPublish(opts.hallId, id.deviceId, packet.topic) &&
        opts.accounts.getDevice(id.deviceId)
      ) {
        // An event or ack kept retained would be replayed to every later subscriber (the server after a reconnect).
        if (packet.retain && !deviceMayRetain(opts.hallId, packet.topic)) packet.retain = false;
        let written = true;
        try {
          if (packet.qos === 1) written = embedded.beforeDeviceAck?.(packet) !== false;
        } catch (err) {
          log.error('a device’s message could not be handled before its ack', { error: (err as Error).message });
        }
        // Not written (a full disk): no PUBACK. aedes drops the connection, and the device sends it again once back.
        if (!written) return callback(new Error('not written: the hall server’s disk is full'));
        return callback(null);
      }
      const fields = { client: client?.id, role: id?.role ?? 'unknown', topic: packet.topic, reason: 'not allowed' };
      connections.warn('mqtt publish refused', { address: client ? addressOf(client) : undefined, ...fields });
      callback(new Error('not allowed to publish here'));
    },
    authorizeSubscribe(client, sub, callback) {
      const id = identities.get(client);
      if (id?.role !== 'server' && overSubscribeBudget(client)) return callback(null, null);
      const allowed =
        id?.role === 'server' ||
        (id?.role === 'device' && deviceMaySubscribe(opts.hallId, id.deviceId, sub.topic)) ||
        (id?.role === 'anonymous' && sub.topic.startsWith(`${t.root}/state/`));
      const held = filters.get(client) ?? new Set<string>();
      const tooMany = id?.role !== 'server' && held.size >= MQTT_MAX_SUBSCRIPTIONS && !held.has(sub.topic);
      // Checked last: a granted filter is counted until its retained messages are sent.
      const busy = allowed && !tooMany && id?.role === 'anonymous' && !retained.grant(client);
      if (allowed && !tooMany && !busy) {
        filters.set(client, held.add(sub.topic));
        return callback(null, sub);
      }
      const reason = busy
        ? `retained messages of ${retained.inFlight} subscriptions still being sent`
        : tooMany
          ? `more than ${MQTT_MAX_SUBSCRIPTIONS} subscriptions`
          : 'not allowed';
      connections.warn('mqtt subscribe refused', {
        address: addressOf(client),
        reason,
        client: client.id,
        role: id?.role ?? 'unknown',
        topic: sub.topic,
      });
      callback(null, null);
    },
  });
  /** Counts one asked-for filter; the first past the budget cuts the connection (the rest are refused silently). */
  const overSubscribeBudget = (client: Client): boolean => {
    const asked = (subscribeRequests.get(client) ?? 0) + 1;
    subscribeRequests.set(client, asked);
    if (asked <= MQTT_MAX_SUBSCRIBE_REQUESTS) return false;
    if (asked === MQTT_MAX_SUBSCRIBE_REQUESTS + 1) {
      connections.warn('mqtt connection cut', {
        address: addressOf(client),
        client: client.id,
        reason: `more than ${MQTT_MAX_SUBSCRIBE_REQUESTS} subscribe requests`,
      });
      // close(), not the socket: it stops aedes handling the rest of the packets it has already read (~1,300 a read).
      client.close();
    }
    return true;
  };
  retained.watch((broker as unknown as { persistence: RetainedSource }).persistence);
  // Emitted just before aedes starts the stream of the packet's granted filters (none: nothing starts).
  broker.on('subscribe', (subs, client) =>
    retained.started(client, subs.filter((s) => (s.qos as number) !== 128).length),
  );
  broker.on('unsubscribe', (unsubscriptions, client) => {
    for (const filter of unsubscriptions) filters.get(client)?.delete(filter);
  });
  broker.on('client', (client) => {
    skipDeliveriesOnceClosed(client);
    const id = identities.get(client);
    if (id?.role !== 'device') return;
    const set = deviceClients.get(id.deviceId) ?? new Set();
    deviceClients.set(id.deviceId, set.add(client));
  });
  broker.on('clientDisconnect', (client) => {
    retained.gone(client);
    const id = identities.get(client);
    if (id?.role !== 'device') return;
    const set = deviceClients.get(id.deviceId);
    set?.delete(client);
    if (set?.size === 0) deviceClients.delete(id.deviceId);
  });

  const server: Server = createServer((socket) => {
    if (!connections.admit(socket)) return;
    const guard = new PacketGuard((topic) => publishLimitKind(opts.hallId, topic));
    guards.set(socket, guard);
    guardSocket(socket, guard, (r) => connections.warn('mqtt connection cut', { address: socket.remoteAddress, ...r }));
    unsent.watch(socket);
    broker.handle(socket);
  });
  server.maxConnections = connections.settings.maxTotal + SOCKETS_BACKSTOP_MARGIN;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const embedded: EmbeddedBroker = {
    aedes: broker,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    logins,
    connections,
    disconnectRemovedDevices() {
      for (const [deviceId, clients] of deviceClients) {
        if (opts.accounts.getDevice(deviceId)) continue;
        deviceClients.delete(deviceId);
        for (const client of clients) client.close();
        log.info('mqtt connection of a removed device dropped', { deviceId });
      }
      // Not only when someone next connects from them: a device re-registered under the same id must not find
      // the addresses its removed predecessor (or someone with its password) left trusted.
      connections.forgetRemovedLogins();
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return embedded;
}

type Deliver = (packet: unknown, done: () => void) => void;

/**
 * aedes still delivers to a client it has closed (its retained messages, a publish under way): each message is made
 * into a packet and refused with a new Error, handed on through setImmediate. That Error's stack keeps the Immediate
 * it was made in, which Node leaves linked to the one before it and so to that one's Error: while readers reconnect
 * and re-subscribe in a loop, the chain never breaks and held every refused message (the heap past 1 GB in 15 s).
 * Skipping the delivery once the client is closed makes no Error at all.
 */
function skipDeliveriesOnceClosed(client: Client): void {
  const c = client as unknown as { closed: boolean; deliver0: Deliver; deliverQoS: Deliver };
  for (const key of ['deliver0', 'deliverQoS'] as const) {
    const deliver = c[key];
    c[key] = (packet, done) => (c.closed ? setImmediate(done) : deliver(packet, done));
  }
}
