/** Token checks are remembered for a minute, but never past a token's expiry, a logout or a device's removal. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../server/store/accounts.js';
import { openDb, type Db } from '../../server/store/db.js';
import { tokenHash } from '../../server/security/random-ids.js';

let dir: string;
let db: Db;
let accounts: Accounts;
const now = Date.parse('2026-11-26T09:00:00+08:00');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hallq-principal-'));
  db = openDb(dir);
  accounts = new Accounts(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('principal cache', () => {
  it('forgets a token at logout and at its expiry, however recently it was checked', () => {
    const user = accounts.createUser(
      { username: 'clerk', password: 'clerk-password', name: '王', role: 'counter' },
      now,
    );
    const { token, expiresAt } = accounts.issueToken({ kind: 'user', id: user.id, role: 'counter' }, now, 10_000);
    expect(accounts.principal(token, now)).toEqual({ kind: 'user', id: user.id, role: 'counter', name: '王' });
    expect(accounts.principal(token, now + 1)).toBe(accounts.principal(token, now + 2)); // remembered
    expect(accounts.principal(token, expiresAt!)).toBeUndefined();
    const second = accounts.issueToken({ kind: 'user', id: user.id, role: 'counter' }, now, 10_000).token;
    expect(accounts.principal(second, now)).toBeDefined();
    accounts.revokeToken(second);
    expect(accounts.principal(second, now + 1)).toBeUndefined();
  });

  it('gives a device its kind’s role, whatever role a token row was written with', () => {
    accounts.createDevice({ id: 'kiosk-9', kind: 'kiosk' }, now);
    // A row written into the database by hand (a tampered backup restored): the kiosk stays a kiosk.
    const { token } = accounts.issueToken({ kind: 'device', id: 'kiosk-9', role: 'manager' }, now);
    expect(accounts.principal(token, now)).toMatchObject({ kind: 'device', id: 'kiosk-9', role: 'kiosk' });
  });

  it('forgets a removed device’s token at once, and a token deleted behind its back within a minute', () => {
    const { device } = accounts.createDevice({ id: 'kiosk-1', kind: 'kiosk' }, now);
    const { token } = accounts.issueToken({ kind: 'device', id: device.id, role: 'kiosk' }, now);
    expect(accounts.principal(token, now)).toMatchObject({ kind: 'device', id: 'kiosk-1', role: 'kiosk' });
    accounts.removeDevice('kiosk-1');
    expect(accounts.principal(token, now + 1)).toBeUndefined();

    accounts.createDevice({ id: 'kiosk-2', kind: 'kiosk' }, now);
    const other = accounts.issueToken({ kind: 'device', id: 'kiosk-2', role: 'kiosk' }, now).token;
    expect(accounts.principal(other, now)).toBeDefined();
    db.prepare('DELETE FROM tokens WHERE hash = ?').run(tokenHash(other));
    expect(accounts.principal(other, now + 30_000)).toBeDefined();
    expect(accounts.principal(other, now + 61_000)).toBeUndefined();
  });

  it('never remembers an unknown token', () => {
    expect(accounts.principal('x'.repeat(43), now)).toBeUndefined();
    const user = accounts.createUser({ username: 'm', password: 'manager-password', name: '李', role: 'manager' }, now);
    const { token } = accounts.issueToken({ kind: 'user', id: user.id, role: 'manager' }, now);
    expect(accounts.principal(token, now)).toMatchObject({ role: 'manager' });
  });
});
