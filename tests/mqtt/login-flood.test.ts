/**
 * A flood of bad MQTT logins against the embedded broker, over real TCP from several addresses (127.0.0.x: other
 * machines as far as the broker knows). A device password made by the server is checked at once, so the throttle
 * trips after a minute's allowance of failures from one address without any scrypt; a device row with scrypt's hash
 * only (from before migration 2) is checked two at a time in a bounded line; a device keeps logging in while that line is full; and a staff
 * member's HTTP login meanwhile succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MQTT_CONCURRENT_CHECKS,
  MQTT_FAILURES_PER_ADDRESS,
  MQTT_FAILURES_PER_LOGIN,
  MQTT_WAITING_CHECKS,
} from '../../server/mqtt/login-gate.js';
import { hashPassword } from '../../server/security/passwords.js';
import { tryMqttLogin } from '../helpers/mqtt-login.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

let hall: TestHall;
let printer: { username: string; password: string };
let oldPad: { username: string; password: string };

beforeAll(async () => {
  hall = await startTestHall();
  printer = (await hall.device('printer-f', 'printer')).mqtt;
  // A pad registered before device passwords were kept as SHA-256, and before migration 2 added the Mosquitto hash:
  // its row holds scrypt's hash only.
  oldPad = (await hall.device('old-pad', 'pad')).mqtt;
  hall.running.db
    .prepare('UPDATE devices SET mqtt_password_hash = ?, mqtt_mosquitto_hash = NULL WHERE id = ?')
    .run(hashPassword(oldPad.password), 'old-pad');
});

afterAll(async () => {
  await hall?.stop();
});

/** One MQTT login attempt from `from`: `connected`, or the refusal's text. */
const tryLogin = (username: string, password: string, from = '127.0.0.1') =>
  tryMqttLogin(hall.running.mqttUrl, username, password, from);

describe('MQTT login flood', () => {
  it('checks device passwords at once, throttles bad logins per address, and staff can still log in', async () => {
    const stats = hall.running.broker!.logins.stats;
    const attempts = Array.from({ length: 120 }, (_, i) =>
      tryLogin(i % 4 === 0 ? 'printer-f' : `ghost-${i}`, 'wrong-password'),
    );
    const staff = hall.api('POST', '/api/v1/auth/login', { username: 'boss', password: 'boss-password' });
    const outcomes = await Promise.all(attempts);
    expect((await staff).status).toBe(200);

    expect(outcomes.filter((o) => o === 'connected')).toEqual([]);
    expect(outcomes.filter((o) => o.includes('Not authorized')).length).toBeGreaterThan(0);
    // Exactly the allowance was checked, each at once: nothing waited for scrypt.
    expect(stats.quick).toBe(MQTT_FAILURES_PER_ADDRESS);
    expect(stats.checked).toBe(0);
    expect(stats.throttled).toBe(120 - MQTT_FAILURES_PER_ADDRESS);

    // Once tripped, a further attempt is refused unchecked; the device's own address is not this one.
    expect(await tryLogin('ghost-late', 'wrong-password')).toContain('Not authorized');
    expect(stats.quick).toBe(MQTT_FAILURES_PER_ADDRESS);
    expect(await tryLogin(printer.username, printer.password, '127.0.0.9')).toBe('connected');
  });

  it('logs a device in at once while wrong passwords for an older row fill the scrypt line', async () => {
    const stats = hall.running.broker!.logins.stats;
    const before = { ...stats };
    const addresses = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
    const total = MQTT_WAITING_CHECKS + 64; // more than the line holds: some are refused as busy
    const flood = Array.from({ length: total }, (_, i) =>
      tryLogin(oldPad.username, `wrong-${i}`, addresses[i % addresses.length]),
    );
    await until('the line to be full', () => stats.busy > before.busy);

    // Before device passwords were checked at once, this got CONNACK 3 until the line drained.
    expect(await tryLogin(printer.username, printer.password, '127.0.0.10')).toBe('connected');
    expect(stats.checked - before.checked).toBeGreaterThan(0);

    const outcomes = await Promise.all(flood);
    expect(outcomes.filter((o) => o === 'connected')).toEqual([]);
    expect(stats.maxRunning).toBeLessThanOrEqual(MQTT_CONCURRENT_CHECKS);
    // Each address's allowance for one username, plus what was running when it tripped, went through scrypt.
    expect(stats.checked - before.checked).toBeLessThanOrEqual(
      addresses.length * MQTT_FAILURES_PER_LOGIN + MQTT_CONCURRENT_CHECKS,
    );

    // The older row logs in through the line once, and is checked at once from then on.
    const checked = stats.checked;
    expect(await tryLogin(oldPad.username, oldPad.password, '127.0.0.11')).toBe('connected');
    expect(stats.checked).toBe(checked + 1);
    const quick = stats.quick;
    expect(await tryLogin(oldPad.username, oldPad.password, '127.0.0.11')).toBe('connected');
    expect(stats.checked).toBe(checked + 1);
    expect(stats.quick).toBe(quick + 1);
  }, 60_000);
});
