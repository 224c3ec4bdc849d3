/**
 * Failed device logins to the embedded broker reach the audit log as the staff's do: each of a minute's first 20 is a
 * `device.login` entry with its address, the rest one `device.login_failures` summary; logins the throttle refuses
 * unchecked are not entries; a crafted username is cut and made printable; the chain still verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MQTT_FAILURES_PER_ADDRESS } from '../../server/mqtt/login-gate.js';
import { LOGIN_FAILURES_EACH_PER_MINUTE } from '../../server/security/login-failure-trail.js';
import { tryMqttLogin } from '../helpers/mqtt-login.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';

let hall: TestHall;
let printer: { username: string; password: string };

beforeAll(async () => {
  hall = await startTestHall();
  printer = (await hall.device('printer-a', 'printer')).mqtt;
});

afterAll(async () => {
  await hall?.stop();
});

const login = (username: string, password: string, from?: string) =>
  tryMqttLogin(hall.running.mqttUrl, username, password, from);

async function auditOf(type: string): Promise<Array<{ actor: string; data: any }>> {
  const r = await hall.api('GET', '/api/v1/audit', undefined, hall.managerToken);
  expect(r.status).toBe(200);
  return r.body.entries.filter((e: { type: string }) => e.type === type);
}

describe('failed device logins in the audit log', () => {
  it('writes a minute’s first 20 one by one with their address, counts the rest, and skips the throttled', async () => {
    expect(await login(printer.username, printer.password)).toBe('connected');
    // One address: its minute's allowance is checked (and audited), the rest refused unchecked.
    const crafted = `ghost-${'x'.repeat(200)}\u0007`;
    const first = [login(printer.username, 'wrong'), login(crafted, 'wrong')];
    for (let i = 2; i < MQTT_FAILURES_PER_ADDRESS + 5; i++) first.push(login(`ghost-${i}`, 'wrong'));
    expect((await Promise.all(first)).filter((o) => o === 'connected')).toEqual([]);
    // Another address, past the trail's 20: counted into the summary.
    const more = Array.from({ length: 7 }, (_, i) => login(`other-${i}`, 'wrong', '127.0.0.2'));
    expect((await Promise.all(more)).filter((o) => o === 'connected')).toEqual([]);

    const single = await auditOf('device.login');
    expect(single).toHaveLength(LOGIN_FAILURES_EACH_PER_MINUTE);
    expect(single.every((e) => e.data.ok === false && e.data.address === '127.0.0.1')).toBe(true);
    expect(single.map((e) => e.data.username)).toContain(printer.username);
    expect(single.find((e) => e.data.username === printer.username)!.actor).toBe(`device:?${printer.username}`);
    const shown = single.find((e) => e.data.username.startsWith('ghost-xx'))!.data.username;
    expect(shown).toBe(`${crafted.slice(0, 64)}…`);

    const [summary] = await auditOf('device.login_failures');
    expect(summary.data).toMatchObject({
      count: 7,
      addresses: 1,
      mostAddresses: [{ address: '127.0.0.2', count: 7 }],
    });
    expect(summary.data.mostUsernames).toHaveLength(7);
    // The good login wrote no failure, the staff's trail is untouched, and the chain holds.
    expect(await auditOf('auth.login_failures')).toEqual([]);
    expect((await hall.api('GET', '/api/v1/audit/verify', undefined, hall.managerToken)).body.ok).toBe(true);
  });

  it('shows a control character in a username as U+FFFD', async () => {
    // The minute's 20 are written: this one is counted into the next summary, under its printable name.
    expect(await login('bell\u0007name', 'wrong', '127.0.0.3')).toContain('Bad username or password');
    const summary = (await auditOf('device.login_failures')).at(-1)!;
    expect(summary.data).toMatchObject({
      count: 1,
      mostAddresses: [{ address: '127.0.0.3', count: 1 }],
      mostUsernames: [{ username: 'bell\ufffdname', count: 1 }],
    });
  });
});
