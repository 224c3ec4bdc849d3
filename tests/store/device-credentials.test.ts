/**
 * A device's MQTT password is 256 random bits the server drew, so it is kept as SHA-256 and checked at once. A row
 * from before (scrypt) is checked at once against its Mosquitto hash, or, without one, off the main thread; it becomes
 * SHA-256 on its first good login.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, type CredentialCheck } from '../../server/security/passwords.js';
import { Accounts, type Device } from '../../server/store/accounts.js';
import { openDb, type Db } from '../../server/store/db.js';

let dir: string;
let db: Db;
let accounts: Accounts;
const now = Date.parse('2026-12-02T09:00:00+08:00');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hallq-device-credentials-'));
  db = openDb(dir);
  accounts = new Accounts(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function storedHash(id: string): string {
  return db.prepare('SELECT mqtt_password_hash FROM devices WHERE id = ?').pluck().get(id) as string;
}

/** A device registered before 2026-12: its password kept with scrypt; before migration 2, without a Mosquitto hash. */
function registerOldStyle(id: string, { mosquitto = true } = {}): string {
  const { mqttPassword } = accounts.createDevice({ id, kind: 'pad' }, now);
  db.prepare('UPDATE devices SET mqtt_password_hash = ? WHERE id = ?').run(hashPassword(mqttPassword), id);
  if (!mosquitto) db.prepare('UPDATE devices SET mqtt_mosquitto_hash = NULL WHERE id = ?').run(id);
  return mqttPassword;
}

function checkedNow(check: CredentialCheck<Device>): Device | undefined {
  if (!('now' in check)) throw new Error('expected a check done at once');
  return check.now;
}

async function checkedLater(check: CredentialCheck<Device>): Promise<Device | undefined> {
  if (!('later' in check)) throw new Error('expected a check off the main thread');
  return check.later();
}

describe('device MQTT credentials', () => {
  it('keeps a new password as SHA-256, never in clear, and checks it at once', () => {
    const { device, mqttPassword } = accounts.createDevice({ id: 'led-1', kind: 'led' }, now);
    expect(storedHash('led-1')).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(storedHash('led-1')).not.toContain(mqttPassword);
    expect(checkedNow(accounts.checkDeviceCredentials('led-1', mqttPassword))?.id).toBe(device.id);
    expect(checkedNow(accounts.checkDeviceCredentials('led-1', `${mqttPassword}x`))).toBeUndefined();
    expect(checkedNow(accounts.checkDeviceCredentials('led-1', ''))).toBeUndefined();
    expect(checkedNow(accounts.checkDeviceCredentials('nobody', mqttPassword))).toBeUndefined();
  });

  it('does not take one device password for another', () => {
    const a = accounts.createDevice({ id: 'led-1', kind: 'led' }, now);
    accounts.createDevice({ id: 'led-2', kind: 'led' }, now);
    expect(checkedNow(accounts.checkDeviceCredentials('led-2', a.mqttPassword))).toBeUndefined();
  });

  it('checks an older row against its Mosquitto hash at once, and upgrades it on a good login only', () => {
    const password = registerOldStyle('pad-1');
    const before = storedHash('pad-1');
    expect(before).toMatch(/^scrypt\$/);

    expect(checkedNow(accounts.checkDeviceCredentials('pad-1', 'wrong'))).toBeUndefined();
    expect(storedHash('pad-1')).toBe(before);

    expect(checkedNow(accounts.checkDeviceCredentials('pad-1', password))?.id).toBe('pad-1');
    expect(storedHash('pad-1')).toMatch(/^sha256\$/);
    expect(checkedNow(accounts.checkDeviceCredentials('pad-1', password))?.id).toBe('pad-1');
    expect(checkedNow(accounts.checkDeviceCredentials('pad-1', 'wrong'))).toBeUndefined();
  });

  it('checks an older row without a Mosquitto hash off the main thread, and upgrades it on a good login only', async () => {
    const password = registerOldStyle('pad-1', { mosquitto: false });
    const before = storedHash('pad-1');

    expect(await checkedLater(accounts.checkDeviceCredentials('pad-1', 'wrong'))).toBeUndefined();
    expect(storedHash('pad-1')).toBe(before);

    expect((await checkedLater(accounts.checkDeviceCredentials('pad-1', password)))?.id).toBe('pad-1');
    expect(storedHash('pad-1')).toMatch(/^sha256\$/);
    expect(checkedNow(accounts.checkDeviceCredentials('pad-1', password))?.id).toBe('pad-1');
  });

  it('lets two good logins of an older row checked at the same time both in', async () => {
    const password = registerOldStyle('pad-1', { mosquitto: false });
    const a = accounts.checkDeviceCredentials('pad-1', password);
    const b = accounts.checkDeviceCredentials('pad-1', password);
    expect([(await checkedLater(a))?.id, (await checkedLater(b))?.id]).toEqual(['pad-1', 'pad-1']);
    expect(storedHash('pad-1')).toMatch(/^sha256\$/);
  });

  it('does not bring back a password replaced while its old one was being checked', async () => {
    const old = registerOldStyle('pad-1', { mosquitto: false });
    const check = accounts.checkDeviceCredentials('pad-1', old);
    accounts.removeDevice('pad-1');
    const fresh = accounts.createDevice({ id: 'pad-1', kind: 'pad' }, now).mqttPassword;
    expect(await checkedLater(check)).toBeUndefined();
    expect(checkedNow(accounts.checkDeviceCredentials('pad-1', old))).toBeUndefined();
    expect(checkedNow(accounts.checkDeviceCredentials('pad-1', fresh))?.id).toBe('pad-1');
  });
});
