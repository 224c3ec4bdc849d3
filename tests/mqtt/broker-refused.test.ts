/**
 * An external Mosquitto that refuses the hall server's login (its passwd file unreadable or stale, QA-M): the server
 * tries again until it is let in — mqtt.js gives up after a refusal by default — and says so meanwhile in /healthz
 * and GET /alerts. And the files HallQ rewrites keep the group the installer gave them.
 */
import { chownSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMosquittoFiles } from '../../server/mqtt/mosquitto-files.js';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../../server/mqtt/server-credentials.js';
import { mosquittoHash } from '../../server/security/mosquitto-hash.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { freePort, Mosquitto, MOSQUITTO_BIN } from './mosquitto.js';

const HALL = 'yunfu-realestate';
const dirs: string[] = [];
const tempDir = (what: string) => {
  const dir = mkdtempSync(join(tmpdir(), `hallq-${what}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.runIf(MOSQUITTO_BIN)('the hall server on a Mosquitto', () => {
  const running: Array<{ stop(): Promise<void> }> = [];
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
  });

  /** A Mosquitto holding `serverHash` for the hall server, and a hall on it whose reload runs `reloadCommand`. */
  async function hallOnMosquitto(what: string, serverHash: (password: string) => string, reloadCommand: string) {
    const dir = tempDir(what);
    const filesDir = join(dir, 'mosquitto');
    const hash = serverHash(serverMqttPassword(dir));
    writeMosquittoFiles(filesDir, HALL, { username: SERVER_MQTT_USERNAME, hash }, []);
    const mosquitto = new Mosquitto(filesDir, await freePort());
    await mosquitto.start();
    running.push(mosquitto);
    const hall = await startTestHall({
      dataDir: dir,
      env: { MQTT_URL: `mqtt://127.0.0.1:${mosquitto.port}`, MQTT_RELOAD_COMMAND: reloadCommand },
    });
    running.push(hall);
    return { hall, mosquitto };
  }

  it('tries again until let in, and says so in /healthz and the alerts meanwhile', async () => {
    // The broker holds a stale password for the server; the hall's reload of it does nothing.
    const { hall, mosquitto } = await hallOnMosquitto('refused', () => mosquittoHash('stale'), 'true');
    const health = async () => (await hall.api('GET', '/healthz')).body;
    const brokerAlert = async () =>
      (await hall.api('GET', '/api/v1/alerts', undefined, hall.managerToken)).body.alerts.find(
        (a: { kind: string }) => a.kind === 'mqtt.broker_down',
      );
    // Shown once down 15 s: a broker restart is ridden out without a word.
    expect((await health()).mqtt).toBeUndefined();
    const shown = await until('the outage shown', async () => (await health()).mqtt, 25_000);
    expect(shown).toMatchObject({ ok: false, error: expect.stringContaining('Not authorized') });
    expect((await health()).ok).toBe(true); // people are still served
    expect(await brokerAlert()).toMatchObject({ severity: 'critical' });
    // The installer puts the files right (they hold the right password since the hall's start) and reloads.
    process.kill(mosquitto.pid!, 'SIGHUP');
    expect(await until('let in', async () => !(await health()).mqtt, 20_000)).toBe(true);
    expect(await brokerAlert()).toBeUndefined();
  }, 60_000);

  it('is a critical alert when the reload command fails, not a warning in the log', async () => {
    const { hall } = await hallOnMosquitto('reload', (password) => mosquittoHash(password), 'exit 3');
    const alert = await until('the alert', async () =>
      (await hall.api('GET', '/api/v1/alerts', undefined, hall.managerToken)).body.alerts.find(
        (a: { kind: string }) => a.kind === 'mqtt.reload_failed',
      ),
    );
    expect(alert).toMatchObject({ severity: 'critical', message: expect.stringContaining('exit 3') });
  }, 30_000);
});

describe.runIf(process.getuid?.() === 0)('the broker files HallQ rewrites', () => {
  it('keep the group they were given', () => {
    const dir = tempDir('group');
    const user = { username: SERVER_MQTT_USERNAME, hash: mosquittoHash('x') };
    writeMosquittoFiles(dir, HALL, user, []);
    chownSync(join(dir, 'passwd'), 0, 65534);
    chownSync(join(dir, 'acl'), 0, 65534);
    writeMosquittoFiles(dir, HALL, user, [{ username: 'printer-1', hash: mosquittoHash('y') }]);
    expect([statSync(join(dir, 'passwd')).gid, statSync(join(dir, 'acl')).gid]).toEqual([65534, 65534]);
    expect(statSync(join(dir, 'passwd')).mode & 0o777).toBe(0o640);
  });
});

describe('the broker files under the shipped unit’s UMask=0077', () => {
  it('are still readable to the group, and their folder passable', () => {
    const dir = join(tempDir('umask'), 'mosquitto');
    const before = process.umask(0o077);
    try {
      writeMosquittoFiles(dir, HALL, { username: SERVER_MQTT_USERNAME, hash: mosquittoHash('x') }, []);
    } finally {
      process.umask(before);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    expect([statSync(join(dir, 'passwd')).mode & 0o777, statSync(join(dir, 'acl')).mode & 0o777]).toEqual([
      0o640, 0o640,
    ]);
  });
});
