/**
 * Builds the hall in one place: config → store → hall (domain) → bus → MQTT → the features, started in the order of
 * their list and stopped in reverse (server/core/feature.ts). A feature that fails to start is logged and the hall
 * goes on without it, unless the hall cannot run without it (`required`).
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
import { calendarWarning } from '../core/case-alerts.js';
import { projectRoot } from '../config/project-root.js';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import { EventBus } from '../core/event-bus.js';
import { startFeatures, stopFeatures, type Feature } from '../core/feature.js';
import { HallService } from '../core/hall-service.js';
import { SYSTEM_ACTOR } from '../domain/decide/context.js';
import { AnnouncementExpiry } from '../features/city-announcements/index.js';
import { Announcer } from '../features/announcements/index.js';
import { DayRules } from '../features/day-rules/index.js';
import { NightlyBackups } from '../features/backups/index.js';
import { DeviceIntake } from '../features/device-intake/index.js';
import { buildIntegrations } from '../features/integrations/index.js';
import { LedBoards } from '../features/led-boards/index.js';
import { Pads } from '../features/pads/index.js';
import {
  AutomaticTriggers,
  DrillReports,
  PlaybookActions,
  PlaybookNotices,
  PowerGuard,
  PowerSave,
  ProposalBook,
} from '../features/playbooks/index.js';
import { TicketPrinting } from '../features/printing/index.js';
import { CaseReceipts } from '../features/case-receipts/index.js';
import { DayReports } from '../features/reports/index.js';
import { PrereviewSms } from '../features/prereview-sms/index.js';
import { PlaybookNotify } from '../features/playbook-notify/index.js';
import { StatePublisher } from '../features/retained-state/index.js';
import { createApp } from '../http/app.js';
import { closeServer, ConnectionGuard, connectionLimitsOf, HTTP_TIMEOUTS } from '../http/connection-guard.js';
import { TrustedAddresses } from '../store/trusted-addresses.js';
import { HeadMarkKeeper } from '../features/head-mark/index.js';
import { mountUi } from '../http/ui-routes.js';
import { DEVICE_LOGINS, LoginFailureTrail } from '../security/login-failure-trail.js';
import { QueryTrail } from '../http/query-trail.js';
import { KnownBrowsers } from '../http/routes/known-browsers.js';
import type { ApiDeps } from '../http/deps.js';
import { QuietCheckpoints } from '../jobs/checkpoints.js';
import { DbFilesWatch } from '../jobs/db-files-watch.js';
import { QuietHeapTrim } from '../jobs/heap-trim.js';
import { HallDayJobs } from '../jobs/hall-day.js';
import { log } from '../log.js';
import { HallSecret, SECRET_FILE } from '../security/hall-secret.js';
import { Accounts } from '../store/accounts.js';
import {
  BROKER_PASSABLE_DIR,
  lostDatabaseProblem,
  lostSecretProblem,
  OWNER_ONLY_DIR,
  secureDataDir,
} from '../store/data-dir.js';
import { DB_FILE, openDb, type Db } from '../store/db.js';
import { databaseInUse } from '../store/db-in-use.js';
import { lastPowerAction } from '../store/power-actions.js';
import { LiveStream } from '../ws/live-stream.js';
import { ensureManager } from './first-start.js';
import { diskReserveAtStart, writeAtStart } from './start-on-full-disk.js';
import { openProposalsInLog } from './proposals-at-start.js';
import { checkChainAtStart, checkHeadMark, recordChainFindings } from './chain-at-start.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded-broker.js';
import { mqttConnectionLimitsOf } from '../mqtt/connection-limits.js';
import { BrokerLink } from '../mqtt/broker-link.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import { writeMosquittoFiles } from '../mqtt/mosquitto-files.js';
import { SERVER_MQTT_USERNAME, SERVER_SECRET_FILE, serverMqttPassword } from '../mqtt/server-credentials.js';
import { CommandOutbox } from '../mqtt/command-outbox.js';
import { DeviceDirectory } from '../mqtt/device-directory.js';
import { mosquittoHash } from '../security/mosquitto-hash.js';

export interface HallServerOptions {
  hallFile?: HallFile;
  clock?: () => number;
  /** The hall cannot go on (its state could not be read back from the log): main.ts exits so it is started again. */
  onFatal?: (error: Error) => void;
  /** The UPS says the battery is nearly empty: shut the process down cleanly (main.ts: as on SIGTERM). */
  onPowerLow?: () => void;
}

export interface RunningHall {
  url: string;
  port: number;
  hall: HallService;
  accounts: Accounts;
  stream: LiveStream;
  connections: ConnectionGuard;
  db: Db;
  /** The features in the order they started (a failed optional one is missing). */
  features: readonly Feature[];
  mqttUrl: string;
  broker?: EmbeddedBroker;
  stop(): Promise<void>;
}

/**
 * Tells an external broker to reread its password and ACL files (e.g. `systemctl reload mosquitto`). A failure is an
 * error, and stays an alert until a reload works: a device added meanwhile is refused by the broker (QA-N).
 */
function reloadBroker(command: string, done: (error?: string) => void): void {
  execFile('sh', ['-c', command], (err) => {
    if (err) log.error('broker reload command failed: devices added since are refused by it', { error: err.message });
    done(err?.message);
  });
}

/** The hall must not start, for a reason its operator can act on (main.ts prints it without a stack). */
export class StartRefused extends Error {}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export async function startHallServer(env: Env, overrides: HallServerOptions = {}): Promise<RunningHall> {
  const hallFile = overrides.hallFile ?? loadHallFile(env.HALL_CONFIG);
  const site = hallFile.hall;
  // A dot splits a NATS subject: `city.site.a.b.events` is no subject of the city's stream, and the city's consumer
  // names cannot hold one. Such a site would never join, and say so only at debug level.
  if (env.CITY_NATS_URL && site.id.includes('.'))
    throw new StartRefused(
      `hall.id "${site.id}" has a dot: a site linked to a city (CITY_NATS_URL) needs an id of letters, digits, - and _`,
    );
  // Owner-only; an external Mosquitto's group may pass through to its files under mosquitto/.
  secureDataDir(env.dataDir, env.MQTT_URL ? BROKER_PASSABLE_DIR : OWNER_ONLY_DIR);
  // Before anything opens the database: SQLite opening an empty one would take its -wal, the last commits, as its own.
  const lostDatabase = lostDatabaseProblem(env.dataDir, DB_FILE, SECRET_FILE);
  if (lostDatabase) throw new StartRefused(lostDatabase);
  // Two servers on one data folder would hand out the same numbers and break each other's log (docs/operations.md).
  if (databaseInUse(join(env.dataDir, DB_FILE)))
    throw new StartRefused(
      `${join(env.dataDir, DB_FILE)} is in use by another process: is a HallQ server already running on this DATA_DIR?`,
    );
  diskReserveAtStart(env.dataDir);
  const db = openDb(env.dataDir);
  const head = (db.prepare('SELECT MAX(seq) FROM events').pluck().get() as number | null) ?? 0;
  const lostSecret = lostSecretProblem(env.dataDir, SECRET_FILE, head);
  if (lostSecret) {
    db.close();
    throw new StartRefused(lostSecret);
  }
  const secret = HallSecret.loadOrCreate(env.dataDir);
  const bus = new EventBus();
  const hall = new HallService({
    hallFile: hallFile,
    db,
    secret,
    bus,
    alwaysOpen: env.HALLQ_HOURS === 'always',
    clock: overrides.clock,
    onFatal: overrides.onFatal,
  });
  checkChainAtStart(hall);
  const rebuilt = hall.rebuild();
  log.info('state rebuilt from the log', { ...rebuilt, head: hall.log.seq, day: hall.state.day });
  // Before anything is appended: a log that ends before the mark kept beside it lost its last commits.
  writeAtStart('the numbers a lost tail handed out', () => checkHeadMark(hall, db, env.dataDir, secret.chainKey));
  writeAtStart('the new hall day', () => hall.startDayIfNeeded());
  const calendarGap = calendarWarning(hall.hallFile, hall.clock());
  if (calendarGap) log.warn(calendarGap);
  const accounts = new Accounts(db);
  writeAtStart('devices marked offline', () => accounts.markAllDevicesOffline());
  const version = packageVersion();
  writeAtStart('the hall’s id', () => warnIfAnotherHall(db, site.id));
  writeAtStart('the start’s audit entry', () =>
    hall.audit(SYSTEM_ACTOR, { type: 'hall.started', data: { version, hallId: site.id } }),
  );
  writeAtStart('the chain’s findings at start', () => recordChainFindings(hall));

  // MQTT: the embedded broker unless MQTT_URL names an external one (then Mosquitto files are kept up to date).
  const mqttPassword = serverMqttPassword(env.dataDir);
  let broker: EmbeddedBroker | undefined;
  let mqttUrl = env.MQTT_URL;
  // Failed device logins reach the audit log only through the embedded broker (Mosquitto checks its own file).
  const deviceLoginFailures = new LoginFailureTrail(hall, DEVICE_LOGINS);
  if (!mqttUrl) {
    broker = await startEmbeddedBroker({
      port: env.MQTT_PORT,
      host: env.HOST,
      hallId: site.id,
      accounts,
      serverPassword: mqttPassword,
      connectionLimits: mqttConnectionLimitsOf(env),
      onLoginFailed: (username, address) => deviceLoginFailures.failed(username, address),
    });
    mqttUrl = broker.url;
    log.info('embedded MQTT broker listening', { port: broker.port });
  }
  const mosquittoDir = join(env.dataDir, 'mosquitto');
  const serverMosquittoUser = { username: SERVER_MQTT_USERNAME, hash: mosquittoHash(mqttPassword) };
  let reloadFailure: { since: number; error: string } | undefined;
  const writeBrokerFiles = () => {
    broker?.disconnectRemovedDevices();
    writeMosquittoFiles(mosquittoDir, site.id, serverMosquittoUser, accounts.mosquittoUsers());
    if (env.MQTT_URL && env.MQTT_RELOAD_COMMAND)
      reloadBroker(env.MQTT_RELOAD_COMMAND, (error) => {
        reloadFailure = error ? (reloadFailure ?? { since: Date.now(), error }) : undefined;
      });
  };
  writeAtStart('the broker’s password and ACL files', writeBrokerFiles);
  // Embedded broker: the server talks to it in-process. External broker: a TCP client (mqtt.js loads only then).
  let link: MqttLink;
  if (broker) {
    const brokerLink = new BrokerLink(broker.aedes);
    broker.beforeDeviceAck = (packet) => {
      brokerLink.deliverBeforeAck(packet);
      return !(Buffer.isBuffer(packet.payload) && intake.couldNotWrite(packet.payload));
    };
    link = brokerLink;
  } else link = new (await import('../mqtt/hall-link.js')).HallLink(mqttUrl, mqttPassword, SERVER_MQTT_USERNAME);

  // What device features share: who is registered, and the commands to them (with acks and retries).
  const t = topics(site.id);
  const directory = new DeviceDirectory(accounts);
  const outbox = new CommandOutbox(db, link, t, {
    retryMs: env.HALLQ_COMMAND_RETRY_MS,
    isOnline: (id) => directory.get(id)?.online ?? false,
    onAcked: (deviceId) => bus.emit('command.acked', { deviceId }),
    onFaulty: (deviceId) => bus.emit('command.unanswered', { deviceId }),
    onRefused: (deviceId, name, payload, error) => bus.emit('command.refused', { deviceId, name, payload, error }),
  });
  const intake = new DeviceIntake({
    hall,
    accounts,
    db,
    link,
    topics: t,
    directory,
    outbox,
    onDevicesChanged: writeBrokerFiles,
  });
  const powerGuard = new PowerGuard(hall, {
    shutdown: overrides.onPowerLow ?? (() => log.error('UPS battery low, but this process has no shutdown hook')),
    // A short life: a power-off still unsent when the power comes back must not reach the devices after it.
    powerOffDevices: (minutesLeft) =>
      directory.all().map((d) => (outbox.send(d.id, 'power-off', { minutesLeft }, 20_000), d.id)),
    // The last day of the log only: no UPS lasts longer, and a start reads no more.
    lastPowerAction: () => lastPowerAction(db, hall.clock() - 24 * 3600_000),
  });
  const backups = new NightlyBackups(hall, db, {
    // On battery (also when the hall started on battery): the nightly copy waits for mains.
    onBattery: () => powerGuard.onBatteryNow,
    dir: env.backupDir,
    // The default folder is made inside DATA_DIR; a chosen one (a USB disk) must be there, and on another disk.
    create: env.BACKUP_DIR === undefined,
    otherDiskThan: env.BACKUP_DIR === undefined || env.BACKUP_SAME_DISK ? undefined : env.dataDir,
    keep: env.BACKUP_KEEP,
    at: env.BACKUP_AT,
  });
  const queryTrail = new QueryTrail(hall, db);
  const loginFailures = new LoginFailureTrail(hall);
  const printing = new TicketPrinting(hall, directory, outbox, () => deps.publicUrl);
  const integrations = buildIntegrations(hall, db, bus, env);
  const proposals = new ProposalBook(hall.clock);
  proposals.restore(openProposalsInLog(db, hall.clock()));
  const triggers = new AutomaticTriggers(hall, proposals);
  const notify = new PlaybookNotify(hall, accounts, link, t, !!env.SMS_URL);
  const devicesOf = (kinds: string[]) => () =>
    directory
      .all()
      .filter((d) => kinds.includes(d.kind))
      .map((d) => d.id);
  const drills = new DrillReports(hall, devicesOf(['led']), devicesOf(['display', 'kiosk', 'pad']));
  // publicUrl is known once HTTP listens (port 0 in tests): the http feature sets it.
  const deps: ApiDeps = {
    hall,
    accounts,
    publicUrl: env.HALLQ_PUBLIC_URL ?? '',
    trustedProxies: new Set(env.HALLQ_TRUSTED_PROXIES),
    version,
    backups,
    queryTrail,
    loginFailures,
    deviceLoginFailures,
    knownBrowsers: new KnownBrowsers(secret.derivedKey('known-browser'), (username) =>
      accounts.passwordStamp(username),
    ),
    integrations: integrations.view,
    proposals,
    outages: () => triggers.outages(),
    mqttDown: () => link.down,
    brokerReloadFailed: () => reloadFailure,
    screenPresence: (deviceId) => stream.screens.of(deviceId),
    drillReports: () => drills.list(),
    playbookNotified: (playbookId) => notify.summary(playbookId),
    devices: {
      added: (d) => intake.added(d),
      removed: (id) => intake.removed(id),
      printDecisionFor: (id) => printing.decisionFor(id),
    },
  };
  const app = createApp(deps, db, (a) => mountUi(a, deps));
  let server: ServerType | undefined;
  const guard = new ConnectionGuard(connectionLimitsOf(env), Date.now, new TrustedAddresses(db));
  const stream = new LiveStream(hall, accounts, { onAuthenticated: (address) => guard.trust(address) });
  proposals.onChange(() => stream.proposalsChanged());
  let url = '';

  // In order: what listens to the MQTT link before it connects, the link, then HTTP and the rest. Stopped in reverse.
  const headMark = new HeadMarkKeeper(hall, env.dataDir, secret.chainKey);
  const features: Feature[] = [
    headMark,
    intake,
    new StatePublisher(hall, link, t),
    outbox,
    printing,
    new CaseReceipts(hall, directory, outbox, () => deps.publicUrl),
    new PrereviewSms(hall),
    new Announcer(hall, directory, outbox),
    new LedBoards(hall, directory, outbox, link, t),
    new Pads(hall, directory, outbox, link, t),
    new PlaybookNotices(hall),
    notify,
    triggers,
    drills,
    // Power saving listens before the guard starts: a hall restarted on battery is told so by the guard's start.
    new PowerSave(hall, directory, outbox, { coalesceScreens: (ms) => stream.setCoalescing(ms) }),
    powerGuard,
    {
      name: 'mqtt-link',
      required: true,
      start: async () => {
        link.onMessage((topic, payload) => bus.emit('mqtt.message', { topic, payload }));
        await link.start();
      },
      stop: () => link.stop(),
    },
    // Before HTTP: stopped after it, so the reads of the last second and the last minute's failed logins are written.
    queryTrail,
    loginFailures,
    deviceLoginFailures,
    {
      name: 'http',
      required: true,
      start: async () => {
        server = await new Promise<ServerType>((resolve) => {
          const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST, serverOptions: HTTP_TIMEOUTS }, () =>
            resolve(s),
          );
          guard.attach(s as Server);
        });
        const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
        url = `http://${host}:${(server.address() as AddressInfo).port}`;
        deps.publicUrl = env.HALLQ_PUBLIC_URL ?? url;
      },
      stop: () => closeServer(server as Server, guard),
    },
    {
      name: 'live-stream',
      required: true,
      start: () => stream.start(server as Server),
      stop: () => stream.stop(server as Server),
    },
    new HallDayJobs(hall, accounts),
    new QuietCheckpoints(hall),
    new DbFilesWatch(
      db,
      env.dataDir,
      (why) => (overrides.onFatal ?? ((e: Error) => log.error('the hall must restart', { error: e.message })))(why),
      [SECRET_FILE, SERVER_SECRET_FILE],
    ),
    new QuietHeapTrim(hall),
    new PlaybookActions(hall),
    // Always, not only with a link: an announcement already shown must still end when the link is gone.
    new AnnouncementExpiry(hall),
    new DayRules(hall),
    new DayReports(hall, db),
    backups,
    ...integrations.features,
    // After the SMS outbox: a playbook started just before the stop may have lost its texts.
    { name: 'playbook-notify-resend', start: () => notify.resendRecent(), stop: () => undefined },
  ];
  if (env.CITY_NATS_URL) {
    // Loaded only for a site linked to a city: the NATS client is ~1.5 MB of heap a hall without one never uses.
    const { CityLink } = await import('../features/city-link/index.js');
    const city = { url: env.CITY_NATS_URL, user: env.CITY_NATS_USER, password: env.CITY_NATS_PASSWORD };
    const link = new CityLink(hall, db, {
      ...city,
      site: { id: site.id, name: site.name, kind: site.kind, location: site.location },
    });
    features.push(link);
    deps.city = link;
  }
  let started: Feature[];
  try {
    started = await startFeatures(features);
  } catch (err) {
    await broker?.close();
    db.close();
    throw err;
  }
  const port = (server!.address() as AddressInfo).port;
  ensureManager(accounts, hall, env.HALLQ_BOOTSTRAP_MANAGER, env.dataDir, url, env.LOG_LEVEL === 'silent');
  log.info('hall open', { url, hall: site.id, dataDir: env.dataDir });

  let stopped = false;
  return {
    url,
    port,
    hall,
    accounts,
    stream,
    connections: guard,
    db,
    features: started,
    mqttUrl,
    broker,
    async stop() {
      if (stopped) return;
      stopped = true;
      intake.handleKeptReports();
      await stopFeatures(started);
      await broker?.close();
      hall.snapshot();
      headMark.writeFinal();
      db.close();
    },
  };
}

/**
 * A data folder last started as another hall (a copy with its key put on the wrong box, or a HALL_CONFIG naming another
 * hall) labels that hall's tickets and reports with this one's id: said loudly. A hall that renamed its id on purpose
 * sees it once. The id is kept in `meta` (reading the last `hall.started` could walk a year of log).
 */
function warnIfAnotherHall(db: Db, hallId: string): void {
  const before = db.prepare("SELECT value FROM meta WHERE key = 'hall_id'").pluck().get() as string | undefined;
  if (before !== undefined && before !== hallId)
    log.error('THIS DATA FOLDER WAS LAST STARTED AS ANOTHER HALL: its tickets and reports now carry this hall’s id', {
      before,
      now: hallId,
    });
  if (before !== hallId)
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('hall_id', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(hallId);
}
