/**
 * A flood of bad MQTT logins against the embedded broker: the throttle trips after a minute's allowance of failures
 * from one address, the rest are refused without a password check, never more than two checks run at once, and a
 * staff member's HTTP login meanwhile succeeds.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MQTT_CONCURRENT_CHECKS, MQTT_FAILURES_PER_ADDRESS } from '../../server/mqtt/login-gate.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';

let hall: TestHall;

beforeAll(async () => {
  hall = await startTestHall();
  await hall.device('printer-f', 'printer');
});

afterAll(async () => {
  await hall?.stop();
});

/** One MQTT login attempt: `connected`, or the refusal's text. */
function tryLogin(username: string, password: string): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(hall.running.mqttUrl, {
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

describe('MQTT login flood', () => {
  it('throttles bad logins per address, bounds password checks, and staff can still log in', async () => {
    const stats = hall.running.broker!.logins.stats;
    const attempts = Array.from({ length: 120 }, (_, i) =>
      tryLogin(i % 4 === 0 ? 'printer-f' : `ghost-${i}`, 'wrong-password'),
    );
    const staff = hall.api('POST', '/api/v1/auth/login', { username: 'boss', password: 'boss-password' });
    const outcomes = await Promise.all(attempts);
    expect((await staff).status).toBe(200);

    expect(outcomes.filter((o) => o === 'connected')).toEqual([]);
    expect(outcomes.filter((o) => o.includes('Not authorized')).length).toBeGreaterThan(0);
    // Only the allowance was checked with scrypt (plus what was already running when it tripped).
    expect(stats.checked).toBeLessThanOrEqual(MQTT_FAILURES_PER_ADDRESS + MQTT_CONCURRENT_CHECKS);
    expect(stats.maxRunning).toBeLessThanOrEqual(MQTT_CONCURRENT_CHECKS);

    // Once tripped, a further attempt is refused unchecked.
    const checked = stats.checked;
    expect(await tryLogin('ghost-late', 'wrong-password')).toContain('Not authorized');
    expect(stats.checked).toBe(checked);
  });
});
