/** Staff accounts, bearer tokens (stored only as hashes, with expiry) and registered devices. */
import type { DeviceKind } from '../../protocol/codes.js';
import { mosquittoHash, verifyMosquittoHash } from '../security/mosquitto-hash.js';
import {
  type CredentialCheck,
  hashPassword,
  hashRandomSecret,
  isRandomSecretHash,
  verifyPasswordAsync,
  verifyRandomSecret,
} from '../security/passwords.js';
import { BoundedWork, type WorkLane } from '../security/bounded-work.js';
import { newToken, randomId, tokenHash } from '../security/random-ids.js';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import { Revocations } from './revocations.js';

/** Staff password checks running at once, and waiting (see Accounts.staffPasswordChecks). */
export const STAFF_PASSWORD_CHECKS_AT_ONCE = 1;
export const STAFF_PASSWORD_CHECKS_WAITING = 32;

export type StaffRole = 'manager' | 'counter';
export type { DeviceKind };
export type TokenRole = StaffRole | 'kiosk' | 'display' | 'pad' | 'integration' | 'device';

export interface User {
  id: string;
  username: string;
  name: string;
  role: StaffRole;
}

/** A staff account as the manager's list shows it. */
export interface StaffAccount extends User {
  disabled: boolean;
}

export interface Device {
  id: string;
  kind: DeviceKind;
  counterId?: string;
  kioskId?: string;
  mqttUsername: string;
  online: boolean;
  lastSeen?: number;
  lastStatus?: Record<string, unknown>;
  /** Commands went unacknowledged after every retry. */
  faulty: boolean;
}

export interface Principal {
  kind: 'user' | 'device';
  id: string;
  role: TokenRole;
  name?: string;
  counterId?: string;
  kioskId?: string;
}

/** Staff sessions last a long shift; device tokens until the device is removed. */
export const STAFF_TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

/** The role a device kind's token carries on the HTTP API. */
export function deviceTokenRole(kind: DeviceKind): TokenRole {
  return kind === 'kiosk' || kind === 'display' || kind === 'pad' || kind === 'integration' ? kind : 'device';
}

interface UserRow {
  id: string;
  username: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  disabled: number;
}

interface DeviceRow {
  id: string;
  kind: DeviceKind;
  counter_id: string | null;
  kiosk_id: string | null;
  mqtt_username: string;
  mqtt_password_hash: string;
  online: number;
  last_seen: number | null;
  last_status: string | null;
  faulty: number;
}

interface PrincipalRow {
  subject_kind: 'user' | 'device';
  subject_id: string;
  role: TokenRole;
  expires_at: number | null;
  user_name: string | null;
  user_role: StaffRole | null;
  device_id: string | null;
  device_kind: string | null;
  counter_id: string | null;
  kiosk_id: string | null;
}

/** How long a token check is remembered; revoking a token or removing a device forgets at once. */
const PRINCIPAL_CACHE_MS = 60_000;
const PRINCIPAL_CACHE_MAX = 2000;

export class Accounts {
  private readonly statements = new Map<string, Database.Statement>();
  /** Token → principal, so a kiosk issuing all day is not a SHA-256 and a query per request. Known tokens only. */
  private readonly principals = new Map<string, { principal: Principal; expiresAt: number; until: number }>();
  /** Announces every revoked token, removed device and disabled user to the features holding live connections. */
  readonly revocations = new Revocations();
  /**
   * Staff password checks (scrypt, ~50–150 ms of a thread each), one at a time with at most 32 waiting: a flood of
   * logins from many addresses cannot take libuv's threads from file I/O, and has its own lane apart from the MQTT
   * login gate's, so neither flood delays the other. Logins from a browser known for that user (its `hallq_known`
   * cookie: http/routes/known-browsers.ts), and checks of a logged-in user's own password, wait in a first lane of
   * their own (32 too) served before the rest. Over a lane's bound: WorkQueueFull, answered 503 TOO_BUSY.
   */
  private readonly staffPasswordChecks = new BoundedWork(STAFF_PASSWORD_CHECKS_AT_ONCE, STAFF_PASSWORD_CHECKS_WAITING);

  constructor(private readonly db: Db) {}

  /** Prepared once, reused: token checks run on every request. */
  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) this.statements.set(text, (s = this.db.prepare(text)));
    return s;
  }

  hasManager(): boolean {
    return this.sql("SELECT 1 FROM users WHERE role = 'manager' AND disabled = 0 LIMIT 1").get() !== undefined;
  }

  createUser(input: { username: string; password: string; name: string; role: StaffRole }, now: number): User {
    const id = randomId('u');
    this.sql('INSERT INTO users (id, username, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      input.username,
      input.name,
      input.role,
      hashPassword(input.password),
      now,
    );
    return { id, username: input.username, name: input.name, role: input.role };
  }

  usernameTaken(username: string): boolean {
    return this.sql('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined;
  }

  /** Every staff account, disabled ones too (the manager enables them again from this list). */
  listUsers(): StaffAccount[] {
    return (this.sql('SELECT id, username, name, role, disabled FROM users ORDER BY username').all() as UserRow[]).map(
      toStaffAccount,
    );
  }

  /** The account with this id, disabled or not. */
  staffAccount(id: string): StaffAccount | undefined {
    const row = this.sql('SELECT id, username, name, role, disabled FROM users WHERE id = ?').get(id) as
      UserRow | undefined;
    return row ? toStaffAccount(row) : undefined;
  }

  /** Disables or enables an account; disabling revokes every token of it at once. */
  setDisabled(userId: string, disabled: boolean): void {
    this.db.transaction(() => {
      this.sql('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, userId);
      if (disabled) this.deleteUserTokens(userId);
    })();
    if (disabled) this.forgetUserTokens(userId);
  }

  /** Sets a new password and revokes every token of the user but `exceptToken` (the session that changed it). */
  setPassword(userId: string, password: string, exceptToken?: string): void {
    const hash = hashPassword(password);
    // One transaction: a crash cannot leave the new password with the old sessions still valid.
    this.db.transaction(() => {
      this.sql('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, userId);
      this.deleteUserTokens(userId, exceptToken);
    })();
    this.forgetUserTokens(userId, exceptToken);
  }

  /** Whether `password` is this user's (off the main thread, like a login; in the first lane: they are logged in). */
  async passwordMatches(userId: string, password: string): Promise<boolean> {
    const row = this.sql('SELECT password_hash FROM users WHERE id = ?').get(userId) as
      { password_hash: string } | undefined;
    const ok = await this.staffPasswordChecks.run(
      () => verifyPasswordAsync(password, row?.password_hash ?? dummyPasswordHash()),
      'first',
    );
    return !!row && ok;
  }

  private deleteUserTokens(userId: string, exceptToken?: string): void {
    const keep = exceptToken ? tokenHash(exceptToken) : '';
    this.sql("DELETE FROM tokens WHERE subject_kind = 'user' AND subject_id = ? AND hash != ?").run(userId, keep);
  }

  /** Drops the user's remembered token checks and tells the listeners. */
  private forgetUserTokens(userId: string, exceptToken?: string): void {
    for (const [token, cached] of this.principals)
      if (cached.principal.kind === 'user' && cached.principal.id === userId && token !== exceptToken)
        this.principals.delete(token);
    this.revocations.emit(exceptToken ? { userId, exceptTokenHash: tokenHash(exceptToken) } : { userId });
  }

  getUser(id: string): User | undefined {
    const row = this.sql('SELECT id, username, name, role FROM users WHERE id = ? AND disabled = 0').get(id) as
      User | undefined;
    return row;
  }

  /** What a user's known-browser entries are bound to: the stored password hash; undefined if unknown or disabled. */
  passwordStamp(username: string): string | undefined {
    const row = this.sql('SELECT password_hash, disabled FROM users WHERE username = ?').get(username) as
      { password_hash: string; disabled: number } | undefined;
    return row && !row.disabled ? row.password_hash : undefined;
  }

  /**
   * The user whose password matches, or undefined. Always runs scrypt, so a wrong username takes as long; runs it off
   * the main thread, so a flood of logins cannot stall the hall. `lane` `first` for a caller the hall knows (a browser
   * this user logged in on), which goes ahead of strangers in the line.
   */
  async checkPassword(username: string, password: string, lane: WorkLane = 'others'): Promise<User | undefined> {
    const row = this.sql('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    const ok = await this.staffPasswordChecks.run(
      () => verifyPasswordAsync(password, row?.password_hash ?? dummyPasswordHash()),
      lane,
    );
    if (!row || !ok || row.disabled) return undefined;
    return { id: row.id, username: row.username, name: row.name, role: row.role };
  }

  issueToken(
    subject: { kind: 'user' | 'device'; id: string; role: TokenRole },
    now: number,
    ttlMs?: number,
  ): { token: string; expiresAt?: number } {
    const token = newToken();
    const expiresAt = ttlMs ? now + ttlMs : undefined;
    this.sql(
      'INSERT INTO tokens (hash, subject_kind, subject_id, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(tokenHash(token), subject.kind, subject.id, subject.role, now, expiresAt ?? null);
    return { token, expiresAt };
  }

  revokeToken(token: string): void {
    this.principals.delete(token);
    const hash = tokenHash(token);
    this.sql('DELETE FROM tokens WHERE hash = ?').run(hash);
    this.revocations.emit({ tokenHash: hash });
  }

  /** Who a bearer token belongs to, or undefined when unknown or expired. */
  principal(token: string, now: number): Principal | undefined {
    const cached = this.principals.get(token);
    if (cached && now < cached.expiresAt && now < cached.until) return cached.principal;
    const found = this.lookUpPrincipal(token, now);
    if (found) {
      if (this.principals.size >= PRINCIPAL_CACHE_MAX) this.principals.clear();
      this.principals.set(token, {
        principal: Object.freeze(found.principal),
        expiresAt: found.expiresAt,
        until: now + PRINCIPAL_CACHE_MS,
      });
    } else this.principals.delete(token);
    return found?.principal;
  }

  private lookUpPrincipal(token: string, now: number): { principal: Principal; expiresAt: number } | undefined {
    // One query on every request: the token with its (enabled) user or its device.
    const row = this.sql(
      `SELECT t.subject_kind, t.subject_id, t.role, t.expires_at, u.name AS user_name, u.role AS user_role,
              d.id AS device_id, d.kind AS device_kind, d.counter_id, d.kiosk_id
         FROM tokens t
         LEFT JOIN users u ON t.subject_kind = 'user' AND u.id = t.subject_id AND u.disabled = 0
         LEFT JOIN devices d ON t.subject_kind = 'device' AND d.id = t.subject_id
        WHERE t.hash = ?`,
    ).get(tokenHash(token)) as PrincipalRow | undefined;
    if (!row || (row.expires_at !== null && row.expires_at <= now)) return undefined;
    const expiresAt = row.expires_at ?? Infinity;
    if (row.subject_kind === 'user') {
      return row.user_role
        ? { principal: { kind: 'user', id: row.subject_id, role: row.user_role, name: row.user_name! }, expiresAt }
        : undefined;
    }
    return row.device_id
      ? {
          principal: {
            kind: 'device',
            id: row.device_id,
            // From the device's kind, never the token row's own column: a row written into a copy of the database
            // (a restored backup) cannot make a kiosk's token a manager's.
            role: deviceTokenRole(row.device_kind as DeviceKind),
            counterId: row.counter_id ?? undefined,
            kioskId: row.kiosk_id ?? undefined,
          },
          expiresAt,
        }
      : undefined;
  }

  pruneExpiredTokens(now: number): number {
    return this.sql('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now).changes;
  }

  createDevice(
    input: { id: string; kind: DeviceKind; counterId?: string; kioskId?: string },
    now: number,
  ): { device: Device; mqttPassword: string } {
    const mqttPassword = newToken();
    this.sql(
      'INSERT INTO devices (id, kind, counter_id, kiosk_id, mqtt_username, mqtt_password_hash, mqtt_mosquitto_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      input.id,
      input.kind,
      input.counterId ?? null,
      input.kioskId ?? null,
      input.id,
      hashRandomSecret(mqttPassword),
      mosquittoHash(mqttPassword),
      now,
    );
    return { device: this.getDevice(input.id)!, mqttPassword };
  }

  getDevice(id: string): Device | undefined {
    const row = this.sql('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
    return row ? toDevice(row) : undefined;
  }

  listDevices(): Device[] {
    return (this.sql('SELECT * FROM devices ORDER BY id').all() as DeviceRow[]).map(toDevice);
  }

  /**
   * The device whose MQTT credentials these are, or undefined. A password made since 2026-12 is a SHA-256 row, checked
   * `now`. An older row is checked against its Mosquitto hash (PBKDF2, 101 rounds: ~0.3 ms), also `now`; only a row
   * without one (from before migration 2) waits for scrypt, `later`, off the main thread. An older row becomes SHA-256
   * on its first good login. So a flood of wrong passwords cannot keep a device waiting behind scrypt.
   */
  checkDeviceCredentials(username: string, password: string): CredentialCheck<Device> {
    const row = this.sql('SELECT id, mqtt_password_hash, mqtt_mosquitto_hash FROM devices WHERE mqtt_username = ?').get(
      username,
    ) as { id: string; mqtt_password_hash: string; mqtt_mosquitto_hash: string | null } | undefined;
    if (!row || isRandomSecretHash(row.mqtt_password_hash)) {
      // An unknown username is hashed too, so it takes as long as a wrong password.
      const ok = verifyRandomSecret(password, row?.mqtt_password_hash ?? UNKNOWN_DEVICE_HASH);
      return { now: ok && row ? this.getDevice(row.id) : undefined };
    }
    const stored = row.mqtt_password_hash;
    if (row.mqtt_mosquitto_hash) {
      const ok = verifyMosquittoHash(password, row.mqtt_mosquitto_hash);
      return { now: ok ? this.upgradeDeviceHash(row.id, stored, password) : undefined };
    }
    return {
      later: async () =>
        (await verifyPasswordAsync(password, stored)) ? this.upgradeDeviceHash(row.id, stored, password) : undefined,
    };
  }

  /**
   * After a good login with an older row, keeps its password as SHA-256 from now on. The row may have changed during a
   * scrypt check: a device removed and registered again under its id has a new password, which the old one must not
   * open (undefined); another login of this device may have upgraded it already.
   */
  private upgradeDeviceHash(id: string, stored: string, password: string): Device | undefined {
    const upgraded = hashRandomSecret(password);
    // Matches the row as checked or as already upgraded (SQLite counts a row set to its own value as changed).
    const changed = this.sql(
      'UPDATE devices SET mqtt_password_hash = ? WHERE id = ? AND mqtt_password_hash IN (?, ?)',
    ).run(upgraded, id, stored, upgraded).changes;
    return changed === 1 ? this.getDevice(id) : undefined;
  }

  setDeviceOnline(id: string, online: boolean, now: number): void {
    this.sql('UPDATE devices SET online = ?, last_seen = ? WHERE id = ?').run(online ? 1 : 0, now, id);
  }

  setDeviceStatus(id: string, status: Record<string, unknown>, now: number): void {
    this.sql('UPDATE devices SET last_status = ?, last_seen = ? WHERE id = ?').run(JSON.stringify(status), now, id);
  }

  /** Mosquitto password-file entries of every device. */
  mosquittoUsers(): Array<{ username: string; hash: string }> {
    return this.sql(
      'SELECT mqtt_username AS username, mqtt_mosquitto_hash AS hash FROM devices WHERE mqtt_mosquitto_hash IS NOT NULL',
    ).all() as Array<{ username: string; hash: string }>;
  }

  /** At start nobody is known to be online: devices say so again (retained status, or on reconnect). */
  markAllDevicesOffline(): void {
    this.sql('UPDATE devices SET online = 0').run();
  }

  /** Forgets device event ids older than `before`; resends come within minutes, not weeks. */
  pruneSeenDeviceEvents(before: number): number {
    return this.sql('DELETE FROM device_events_seen WHERE at < ?').run(before).changes;
  }

  setDeviceFaulty(id: string, faulty: boolean): void {
    this.sql('UPDATE devices SET faulty = ? WHERE id = ?').run(faulty ? 1 : 0, id);
  }

  removeDevice(id: string): void {
    this.principals.clear();
    this.db.transaction(() => {
      this.sql("DELETE FROM tokens WHERE subject_kind = 'device' AND subject_id = ?").run(id);
      this.sql('DELETE FROM device_commands WHERE device_id = ?').run(id);
      this.sql('DELETE FROM devices WHERE id = ?').run(id);
    })();
    this.revocations.emit({ deviceId: id });
  }
}

/** Compared against when a device's username is unknown, so that takes as long as a wrong password. */
const UNKNOWN_DEVICE_HASH = hashRandomSecret('not-a-real-device');

/** Compared against when a username is unknown, so that takes as long as a wrong password. Made on first use. */
let dummyHash: string | undefined;
function dummyPasswordHash(): string {
  return (dummyHash ??= hashPassword('not-a-real-password'));
}

function toStaffAccount(row: Pick<UserRow, 'id' | 'username' | 'name' | 'role' | 'disabled'>): StaffAccount {
  return { id: row.id, username: row.username, name: row.name, role: row.role, disabled: row.disabled === 1 };
}

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    kind: row.kind,
    counterId: row.counter_id ?? undefined,
    kioskId: row.kiosk_id ?? undefined,
    mqttUsername: row.mqtt_username,
    online: row.online === 1,
    lastSeen: row.last_seen ?? undefined,
    lastStatus: row.last_status ? JSON.parse(row.last_status) : undefined,
    faulty: row.faulty === 1,
  };
}
