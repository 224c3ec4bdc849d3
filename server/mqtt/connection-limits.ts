/**
 * The embedded broker's connections, bounded so that nobody on the hall's network can keep the devices off it:
 * - per client address, so one laptop's flood of idle sockets cannot take them all;
 * - connections not logged in as a device or the server (waiting for their login, or anonymous readers) may use
 *   only the unreserved part of the total; the reserved rest is for trusted addresses — those a device or the
 *   server is logged in from, and for a day the latest one each login left — so devices reconnecting during a
 *   flood find room. A trusted address may hold only a few connections in the reserve before logging in, and an
 *   address that stops being trusted gives its places up, so one stolen device password cannot fill it;
 * - when the unreserved part is full, the oldest connection in it that has not sent its CONNECT yet gives way to
 *   the new one (failing that, the oldest whose login is being checked), so a device whose address is not trusted
 *   yet (a new one, or any after a restart) is not locked out by a flood of connections that never log in;
 * - anonymous readers, which hold their connection for good, at most `maxAnonymous` at once (and at most half of
 *   the unreserved part, so they never fill it).
 * The same warning about one address is logged at most once a minute, so a reconnect loop cannot flood the log.
 * Local processes (the bridge, simulators, benchmarks on the server itself) are trusted and not counted per address.
 */
import type { Socket } from 'node:net';
import type { Env } from '../config/env.js';
import { log } from '../log.js';
import { FailureWindow } from '../security/attempt-throttle.js';
import { LOOPBACK_ADDRESSES } from '../security/loopback.js';

export const MQTT_MAX_CONNECTIONS_PER_ADDRESS = 100;

export interface MqttConnectionSettings {
  /** Open connections at most, of every kind. */
  maxTotal: number;
  /** The last part of `maxTotal` that only trusted addresses may use; by default `RESERVED_SHARE` of it. */
  reserved: number;
  /** Open connections one untrusted address may hold; local processes are not limited per address. */
  maxPerAddress: number;
  /** Anonymous readers at once (the public `state/#`: signage, tools). */
  maxAnonymous: number;
  /** How long an address stays trusted after its last device or server connection closed. */
  trustMs: number;
}

/** The share of the total kept for trusted addresses: 400 of 1000 for a hall of ~200 devices. */
const RESERVED_SHARE = 0.4;

export const DEFAULT_MQTT_CONNECTION_SETTINGS: Omit<MqttConnectionSettings, 'reserved'> = {
  maxTotal: 1000,
  maxPerAddress: MQTT_MAX_CONNECTIONS_PER_ADDRESS,
  maxAnonymous: 200,
  trustMs: 24 * 60 * 60 * 1000,
};

/** The bounds the environment sets (server/config/env.ts). */
export function mqttConnectionLimitsOf(env: Env): Partial<MqttConnectionSettings> {
  return {
    maxTotal: env.HALLQ_MQTT_MAX_CONNECTIONS,
    maxPerAddress: env.HALLQ_MQTT_MAX_PER_ADDRESS,
    maxAnonymous: env.HALLQ_MQTT_MAX_ANONYMOUS,
  };
}

/** Trusted addresses remembered at most; a full table forgets the longest unused. */
const MAX_TRUSTED = 4096;
/** Connections one trusted address may hold in the reserve before they log in (a device host runs a few devices). */
export const MQTT_RESERVED_UNPROVEN_PER_ADDRESS = 8;

/** silent: no CONNECT yet; checking: its login is being checked; then an anonymous reader or a proven login. */
type Stage = 'silent' | 'checking' | 'anonymous' | 'proven';

interface Entry {
  stage: Stage;
  /** Read once at admission: every count below is kept under this key. */
  address: string;
  /** Admitted into the reserve from a trusted address: never made to give way while it logs in. */
  inReserve: boolean;
  /** Who logged in on it (`device:<id>`, `server`), once proven. */
  who?: string;
}

export class ConnectionLimits {
  readonly settings: MqttConnectionSettings;
  /** Counters for tests and diagnostics. */
  readonly stats = { refused: 0, evicted: 0 };
  private readonly entries = new Map<Socket, Entry>();
  private readonly perAddress = new Map<string, number>();
  /** Connections not logged in yet, oldest first (a Set keeps insertion order). */
  private readonly silent = new Set<Socket>();
  private readonly checking = new Set<Socket>();
  /** How many of those are in the reserve, in all and per address. */
  private inReserve = 0;
  private readonly inReservePerAddress = new Map<string, number>();
  private anonymous = 0;
  /** Open device and server connections per address: an address is trusted while it has one. */
  private readonly provenPerAddress = new Map<string, number>();
  /**
   * Addresses trusted for a while after their last proven connection closed, and whose login that was. Each login
   * leaves at most one such address behind (its last), so one stolen password cannot make many addresses trusted.
   */
  private readonly lingering = new Map<string, { until: number; who: string }>();
  private readonly lingeringOf = new Map<string, string>();
  private readonly warned = new FailureWindow(1);

  /**
   * @param loginStillValid whether a login (`device:<id>`) still exists: a removed device's address is no longer
   * trusted.
   */
  constructor(
    settings: Partial<MqttConnectionSettings> = {},
    private readonly clock: () => number = Date.now,
    private readonly loginStillValid: (who: string) => boolean = () => true,
  ) {
    const merged = { ...DEFAULT_MQTT_CONNECTION_SETTINGS, ...settings };
    const { maxTotal } = merged;
    const reserved = Math.min(settings.reserved ?? Math.floor(maxTotal * RESERVED_SHARE), Math.floor(maxTotal / 2));
    const maxAnonymous = Math.min(merged.maxAnonymous, Math.floor((maxTotal - reserved) / 2));
    this.settings = { ...merged, reserved, maxAnonymous };
  }

  get open(): number {
    return this.entries.size;
  }

  /**
   * Counts `socket` until it closes; false (and the socket destroyed) when there is no room for it. Making room
   * means closing the oldest connection outside the reserve that has not logged in yet.
   */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? 'unknown';
    const { maxTotal, reserved, maxPerAddress } = this.settings;
    const held = this.perAddress.get(address) ?? 0;
    if (held >= maxPerAddress && !LOOPBACK_ADDRESSES.has(address))
      return this.refuse(socket, 'mqtt connection refused: too many from this address', { address, open: held });
    const intoReserve =
      LOOPBACK_ADDRESSES.has(address) ||
      (this.isTrusted(address) &&
        this.inReserve < reserved &&
        (this.inReservePerAddress.get(address) ?? 0) < MQTT_RESERVED_UNPROVEN_PER_ADDRESS);
    const unreservedUsed = this.silent.size + this.checking.size - this.inReserve + this.anonymous;
    const full = this.entries.size >= maxTotal || (!intoReserve && unreservedUsed >= maxTotal - reserved);
    if (full && !this.evictOldest(this.silent) && !this.evictOldest(this.checking))
      return this.refuse(socket, 'mqtt connection refused: the broker is full', { address, open: this.entries.size });
    // Counted after making room: the connection that gave way may have been this address's own.
    increment(this.perAddress, address, 1);
    this.entries.set(socket, { stage: 'silent', address, inReserve: intoReserve });
    this.silent.add(socket);
    if (intoReserve) {
      this.inReserve++;
      increment(this.inReservePerAddress, address, 1);
    }
    socket.once('close', () => this.release(socket));
    return true;
  }

  /** `socket` sent its CONNECT: its login is being checked. */
  connectReceived(socket: Socket): void {
    const entry = this.entries.get(socket);
    if (entry?.stage !== 'silent') return;
    this.silent.delete(socket);
    this.checking.add(socket);
    entry.stage = 'checking';
  }

  /**
   * Whether one more anonymous reader fits; call just before accepting an anonymous login. Anonymous readers hold
   * their connection for good, so without this bound they alone could fill the unreserved part.
   */
  mayAcceptAnonymous(): boolean {
    return this.anonymous < this.settings.maxAnonymous;
  }

  /**
   * The login of `socket` was accepted: anonymous, or a device or the server (`who`: `device:<id>`, `server`), whose
   * address is trusted while it stays connected and `trustMs` after. Nothing happens for a socket already closed or
   * cut.
   */
  loggedIn(socket: Socket, role: 'server' | 'device' | 'anonymous', who: string = role): void {
    const entry = this.entries.get(socket);
    if (entry?.stage !== 'silent' && entry?.stage !== 'checking') return;
    this.leaveUnproven(socket, entry);
    if (role === 'anonymous') {
      this.anonymous++;
      entry.stage = 'anonymous';
      return;
    }
    entry.stage = 'proven';
    entry.who = who;
    increment(this.provenPerAddress, entry.address, 1);
  }

  /** Forgets now the trust left behind by logins that no longer exist (call after a device was removed). */
  forgetRemovedLogins(): void {
    for (const [address, trust] of [...this.lingering])
      if (!this.loginStillValid(trust.who)) this.forgetLingering(address);
  }

  isTrusted(address: string): boolean {
    if (LOOPBACK_ADDRESSES.has(address) || this.provenPerAddress.has(address)) return true;
    const trust = this.lingering.get(address);
    if (trust === undefined) return false;
    if (trust.until > this.clock() && this.loginStillValid(trust.who)) return true;
    this.forgetLingering(address);
    return false;
  }

  /** log.warn, at most once a minute for the same address, message and reason. */
  warn(message: string, fields: { address?: string; reason?: string } & Record<string, unknown>): void {
    const key = `${fields.address} ${message} ${fields.reason ?? ''}`;
    const now = Date.now();
    if (this.warned.blocked(key, now)) return;
    this.warned.add(key, now);
    log.warn(message, fields);
  }

  /** Keeps `address` trusted for `trustMs` from now, as the last address `who` logged in from. */
  private lingerFrom(address: string, who: string): void {
    if (LOOPBACK_ADDRESSES.has(address)) return;
    const earlier = this.lingeringOf.get(who);
    if (earlier !== undefined && earlier !== address && this.lingering.get(earlier)?.who === who)
      this.forgetLingering(earlier);
    this.lingering.delete(address); // re-inserted last: the table forgets the longest unused first
    if (this.lingering.size >= MAX_TRUSTED) this.forgetLingering(this.lingering.keys().next().value!);
    this.lingering.set(address, { until: this.clock() + this.settings.trustMs, who });
    this.lingeringOf.set(who, address);
  }

  private forgetLingering(address: string): void {
    const trust = this.lingering.get(address);
    if (trust === undefined) return;
    this.lingering.delete(address);
    if (this.lingeringOf.get(trust.who) === address) this.lingeringOf.delete(trust.who);
    this.leaveReserveIfUntrusted(address);
  }

  /**
   * An address no longer trusted gives up its places in the reserve: its connections waiting for their login are
   * counted as anyone's from now on, and may give way. Otherwise one password, logged in from one address after
   * another, could leave each address's connections in the reserve for good.
   */
  private leaveReserveIfUntrusted(address: string): void {
    if (!this.inReservePerAddress.has(address) || this.isTrusted(address)) return;
    for (const waiting of [this.silent, this.checking])
      for (const socket of waiting) {
        const entry = this.entries.get(socket)!;
        if (entry.inReserve && entry.address === address) this.leaveReserve(entry);
      }
  }

  private leaveReserve(entry: Entry): void {
    if (!entry.inReserve) return;
    entry.inReserve = false;
    this.inReserve--;
    increment(this.inReservePerAddress, entry.address, -1);
  }

  private evictOldest(among: Set<Socket>): boolean {
    for (const socket of among) {
      const entry = this.entries.get(socket)!;
      if (entry.inReserve) continue;
      this.release(socket);
      socket.destroy();
      this.stats.evicted++;
      this.warn('mqtt connection cut', {
        address: entry.address,
        reason: 'made room for a newer connection while the broker was full',
      });
      return true;
    }
    return false;
  }

  private refuse(socket: Socket, message: string, fields: { address: string; open: number }): false {
    socket.destroy();
    this.stats.refused++;
    this.warn(message, fields);
    return false;
  }

  /** `socket` is no longer waiting for its login (logged in, closed or cut). */
  private leaveUnproven(socket: Socket, entry: Entry): void {
    this.silent.delete(socket);
    this.checking.delete(socket);
    this.leaveReserve(entry);
  }

  /** Forgets `socket`; safe to call twice (a cut socket closes later). */
  private release(socket: Socket): void {
    const entry = this.entries.get(socket);
    if (entry === undefined) return;
    this.entries.delete(socket);
    this.leaveUnproven(socket, entry);
    if (entry.stage === 'anonymous') this.anonymous--;
    if (entry.stage === 'proven') {
      increment(this.provenPerAddress, entry.address, -1);
      if (!this.provenPerAddress.has(entry.address)) {
        if (this.loginStillValid(entry.who!)) this.lingerFrom(entry.address, entry.who!);
        else this.leaveReserveIfUntrusted(entry.address);
      }
    }
    increment(this.perAddress, entry.address, -1);
  }

  /** Open connections per address, for tests: an address with none is not listed. */
  openPerAddress(): ReadonlyMap<string, number> {
    return this.perAddress;
  }
}

/** Adds `by` to a count kept in `counts`, forgetting it at zero. */
function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
