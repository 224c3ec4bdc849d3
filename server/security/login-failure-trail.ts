/**
 * Failed logins in the audit log, bounded: the staff's over HTTP and the devices' over the embedded MQTT broker, each
 * in a trail of its own. Each of the first 20 in a minute is its own entry (`auth.login` with `ok: false`, or
 * `device.login`); the minute's further failures are counted into one summary (`auth.login_failures` or
 * `device.login_failures`), written when the minute ends: how many, from how many addresses, and the addresses and
 * usernames that failed most. So a flood of wrong passwords from the hall's Wi-Fi writes at most 21 entries a minute
 * per trail (the staff's wrote one per password check, ~20 a second: ~1.7 million a day, each with its own fsync) and
 * the log still says what happened.
 */
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';
import { SYSTEM_ACTOR } from '../domain/decide/context.js';
import { wellFormed } from '../../devices/protocol/clean-text.js';
import type { LoginFailureSummary } from '../domain/events.js';
import { log } from '../log.js';
import { maskFreeText } from '../domain/free-text-mask.js';

/** Failed logins a minute written one by one; the rest of the minute's are counted into one entry. */
export const LOGIN_FAILURES_EACH_PER_MINUTE = 20;
const WINDOW_MS = 60_000;
/** Addresses and usernames named in a minute's summary, those with the most failures. */
const NAMED = 10;
/** Different addresses or usernames counted in one minute; past that only the total grows. */
const MAX_COUNTED = 4096;

interface Tally {
  from: number;
  count: number;
  addresses: Map<string, number>;
  usernames: Map<string, number>;
}

/** Whose logins a trail keeps: how one failure is written alone, and the type of the minute's summary. */
export interface LoginKind {
  name: string;
  writeOne(hall: HallService, username: string, address: string): void;
  summaryType: 'auth.login_failures' | 'device.login_failures';
}

/** Staff logins (POST /auth/login): `auth.login {username, role: '?', ok: false}`, as before the trail. */
export const STAFF_LOGINS: LoginKind = {
  name: 'login-failure-trail',
  writeOne: (hall, username) => writeFailedLogin(hall, username),
  summaryType: 'auth.login_failures',
};

/**
 * Device logins to the embedded MQTT broker: `device.login {username, ok: false, address}`. The username is anything a
 * client sent, so it is cut to 64 characters and its control characters shown as U+FFFD.
 */
export const DEVICE_LOGINS: LoginKind = {
  name: 'device-login-failure-trail',
  writeOne: (hall, username, address) =>
    hall.audit(
      { kind: 'device', id: `?${username}` },
      { type: 'device.login', data: { username, ok: false, reason: 'bad credentials', address } },
    ),
  summaryType: 'device.login_failures',
};

/** Usernames in either trail: at most this many characters, then `…` (staff usernames are at most 64 already). */
const USERNAME_SHOWN = 64;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A username as the audit log may hold it: bounded and printable (an MQTT username can be any 65,535 bytes), and
 * with an ID or mobile number masked (people type theirs into the username field).
 */
export function shownUsername(username: string): string {
  const cut = username.length > USERNAME_SHOWN ? `${username.slice(0, USERNAME_SHOWN)}…` : username;
  return maskFreeText(wellFormed(cut.replace(CONTROL, '\ufffd')));
}

export class LoginFailureTrail implements Feature {
  readonly name: string;
  private windowFrom?: number;
  private writtenEach = 0;
  private tally?: Tally;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly hall: HallService,
    private readonly kind: LoginKind = STAFF_LOGINS,
  ) {
    this.name = kind.name;
  }

  start(): void {}

  /**
   * Writes the minute's summary so far (at shutdown: after HTTP has stopped). Logins still in the password line then
   * are written one by one, while the log can still take them, and start no timer.
   */
  stop(): void {
    this.stopped = true;
    this.flush();
  }

  failed(rawUsername: string, address: string): void {
    const username = shownUsername(rawUsername);
    if (this.stopped) return writeOrLog(() => this.kind.writeOne(this.hall, username, address), 1);
    const now = this.hall.clock();
    // A new minute, also when the clock was set back (from + 60 s would be hours away).
    if (this.windowFrom === undefined || now - this.windowFrom >= WINDOW_MS || now < this.windowFrom) {
      this.flush();
      this.windowFrom = now;
      this.writtenEach = 0;
    }
    if (this.writtenEach < LOGIN_FAILURES_EACH_PER_MINUTE) {
      this.writtenEach++;
      this.kind.writeOne(this.hall, username, address);
      return;
    }
    const tally = (this.tally ??= { from: now, count: 0, addresses: new Map(), usernames: new Map() });
    tally.count++;
    countIn(tally.addresses, address);
    countIn(tally.usernames, username);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.min(WINDOW_MS, Math.max(0, this.windowFrom + WINDOW_MS - now)));
      this.timer.unref();
    }
  }

  /** Writes the summary of the failures counted since the minute's twentieth, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const tally = this.tally;
    if (!tally) return;
    this.tally = undefined;
    writeOrLog(
      () => this.hall.audit(SYSTEM_ACTOR, { type: this.kind.summaryType, data: summaryOf(tally, this.hall.clock()) }),
      tally.count,
    );
  }
}

function summaryOf(tally: Tally, to: number): LoginFailureSummary {
  return {
    from: tally.from,
    to,
    count: tally.count,
    addresses: tally.addresses.size,
    mostAddresses: most(tally.addresses).map(([address, count]) => ({ address, count })),
    mostUsernames: most(tally.usernames).map(([username, count]) => ({ username, count })),
  };
}

/** One failed login as its own entry: the trail's first 20 a minute, or each one in an app built without it. */
export function writeFailedLogin(hall: HallService, username: string): void {
  hall.audit(
    { kind: 'user', id: `?${username}` },
    { type: 'auth.login', data: { username, role: '?', ok: false, reason: 'bad credentials' } },
  );
}

/** A full disk or a closed log refuses the entry: its loss is logged, with how many failures it held. */
function writeOrLog(write: () => void, count: number): void {
  try {
    write();
  } catch (err) {
    log.error('failed logins not written', { error: (err as Error).message, count });
  }
}

function countIn(counts: Map<string, number>, key: string): void {
  const seen = counts.get(key);
  if (seen !== undefined) counts.set(key, seen + 1);
  else if (counts.size < MAX_COUNTED) counts.set(key, 1);
}

function most(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, NAMED);
}
