/**
 * Builds the hall in one place: config → store → hall (domain) → bus → features (HTTP, live stream, jobs), and
 * stops them in reverse order.
 */
import { serve, type ServerType } from '@hono/node-server';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Env } from '../config/env.js';
import type { HallFile } from '../config/hall-schema.js';
import { loadHallFile } from '../config/load-hall.js';
import { projectRoot } from '../config/project-root.js';
import { EventBus } from '../core/event-bus.js';
import { HallService } from '../core/hall-service.js';
import { PlaybookActions } from '../core/playbook-actions.js';
import { SYSTEM_ACTOR } from '../domain/decide/context.js';
import { createApp } from '../http/app.js';
import { closeServer, ConnectionGuard, HTTP_TIMEOUTS } from '../http/connection-guard.js';
import { mountUi } from '../http/ui-routes.js';
import type { ApiDeps } from '../http/deps.js';
import { QuietCheckpoints } from '../jobs/checkpoints.js';
import { HallDayJobs } from '../jobs/hall-day.js';
import { log } from '../log.js';
import { HallSecret } from '../security/hall-secret.js';
import { Accounts } from '../store/accounts.js';
import { BROKER_PASSABLE_DIR, OWNER_ONLY_DIR, secureDataDir } from '../store/data-dir.js';
import { openDb, type Db } from '../store/db.js';
import { LiveStream } from '../ws/live-stream.js';
import { ensureManager } from './first-start.js';
import { checkChainAtStart, recordChainFindings } from './chain-at-start.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded-broker.js';
import { BrokerLink } from '../mqtt/broker-link.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import { writeMosquittoFiles } from '../mqtt/mosquitto-files.js';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../mqtt/server-credentials.js';
import { mosquittoHash } from '../security/mosquitto-hash.js';
import { HallDevices } from '../hall-devices/hall-devices.js';

export interface RunningHall {
  url: string;
  port: number;
  hall: HallService;
  accounts: Accounts;
  stream: LiveStream;
  connections: ConnectionGuard;
  db: Db;
  devices: HallDevices;
  mqttUrl: string;
  broker?: EmbeddedBroker;
  stop(): Promise<void>;
}

/** Tells an external broker to reread its password and ACL files (e.g. `systemctl reload mosquitto`). */
function reloadBroker(command: string): void {
  execFile('sh', ['-c', command], (err) => {
    if (err) log.warn('broker reload command failed', { error: err.message });
  });
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export async function startHallServer(env: Env, overrides: { hallFile?: HallFile; clock?: () => number } = {}): Promise<RunningHall> {
  const hallFile = overrides.hallFile ?? loadHallFile(env.HALL_CONFIG);
  // Owner-only; an external Mosquitto's group may pass through to its files under mosquitto/.
  secureDataDir(env.dataDir, env.MQTT_URL ? BROKER_PASSABLE_DIR : OWNER_ONLY_DIR);
  const db = openDb(env.dataDir);
  const secret = HallSecret.loadOrCreate(env.dataDir);
  const bus = new EventBus();
  const hall = new HallService({ hall: hallFile, db, secret, bus, alwaysOpen: env.HALLQ_HOURS === 'always', clock: overrides.clock });
  checkChainAtStart(hall);
  const rebuilt = hall.rebuild();
  log.info('state rebuilt from the log', { ...rebuilt, head: hall.log.seq, day: hall.state.day });
  hall.startDayIfNeeded();
  const accounts = new Accounts(db);
  accounts.markAllDevicesOffline();
  const version = packageVersion();
  hall.audit(SYSTEM_ACTOR, { type: 'hall.started', data: { version, hallId: hallFile.hall.id } });
  recordChainFindings(hall);

  // MQTT: the embedded broker unless MQTT_URL names an external one (then Mosquitto files are kept up to date).
  const mqttPassword = serverMqttPassword(env.dataDir);
  let broker: EmbeddedBroker | undefined;
  let mqttUrl = env.MQTT_URL;
  if (!mqttUrl) {
    broker = await startEmbeddedBroker({ port: env.MQTT_PORT, host: env.HOST, hallId: hallFile.hall.id, accounts, serverPassword: mqttPassword });
    mqttUrl = broker.url;
    log.info('embedded MQTT broker listening', { port: broker.port });
  }
  const mosquittoDir = join(env.dataDir, 'mosquitto');
  const serverMosquittoUser = { username: SERVER_MQTT_USERNAME, hash: mosquittoHash(mqttPassword) };
  const writeBrokerFiles = () => {
    broker?.disconnectRemovedDevices();
    writeMosquittoFiles(mosquittoDir, hallFile.hall.id, serverMosquittoUser, accounts.mosquittoUsers());
    if (env.MQTT_URL && env.MQTT_RELOAD_COMMAND) reloadBroker(env.MQTT_RELOAD_COMMAND);
  };
  writeBrokerFiles();
  // Embedded broker: the server talks to it in-process. External broker: a TCP client (mqtt.js loads only then).
  const link: MqttLink = broker
    ? new BrokerLink(broker.aedes)
    : new (await import('../mqtt/hall-link.js')).HallLink(mqttUrl, mqttPassword, SERVER_MQTT_USERNAME);

  const deps: ApiDeps = { hall, accounts, publicUrl: env.HALLQ_PUBLIC_URL ?? '', version };
  const devices = new HallDevices({
    hall,
    accounts,
    db,
    link,
    publicUrl: () => deps.publicUrl,
    onDevicesChanged: writeBrokerFiles,
    retryMs: env.HALLQ_COMMAND_RETRY_MS,
  });
  deps.devices = devices;
  devices.start();
  await link.start();
  const app = createApp(deps, db, (a) => mountUi(a, deps));
  const guard = new ConnectionGuard();
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST, serverOptions: HTTP_TIMEOUTS }, () => resolve(s));
    guard.attach(s as Server);
  });
  const port = (server.address() as AddressInfo).port;
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  const url = `http://${host}:${port}`;
  deps.publicUrl = env.HALLQ_PUBLIC_URL ?? url;

  const stream = new LiveStream(hall, accounts, { onAuthenticated: (address) => guard.trust(address) });
  stream.start(server as Server);
  const jobs = new HallDayJobs(hall, accounts);
  jobs.start();
  const checkpoints = new QuietCheckpoints(hall);
  checkpoints.start();
  const playbookActions = new PlaybookActions(hall);
  playbookActions.start();
  ensureManager(accounts, hall, env.HALLQ_BOOTSTRAP_MANAGER, env.dataDir, url, env.LOG_LEVEL === 'silent');
  log.info('hall open', { url, hall: hallFile.hall.id, dataDir: env.dataDir });

  let stopped = false;
  return {
    url,
    port,
    hall,
    accounts,
    stream,
    connections: guard,
    db,
    devices,
    mqttUrl,
    broker,
    async stop() {
      if (stopped) return;
      stopped = true;
      jobs.stop();
      checkpoints.stop();
      playbookActions.stop();
      devices.stop();
      await link.stop();
      await broker?.close();
      stream.stop(server as Server);
      await closeServer(server as Server, guard);
      hall.snapshot();
      db.close();
    },
  };
}
