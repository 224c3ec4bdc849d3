/**
 * Browsers staff logged in from, told apart by a cookie (OWASP's "device cookie"), not by their address. A password
 * login that succeeds sets `hallq_known`: for that user (a keyed hash of the username, never the name) and its issue
 * time, signed with a key derived from the hall secret, for 30 days; a shared counter PC keeps the entries of its last
 * four users. A login for a user whose entry it brings waits in the password checks' first lane, ahead of strangers,
 * so a flood of wrong passwords from the hall's Wi-Fi, which fills only the strangers' lane, cannot keep the counters'
 * and the manager's PCs from logging in, after a restart or with a new address too. HttpOnly, SameSite=Strict, sent
 * only to /api/v1/auth.
 *
 * An entry is bound to its user's stored password hash, so changing or resetting the password voids it, and a disabled
 * user's count for nothing. A stolen cookie buys little: it counts only for its own users, one first-lane check of a user at a time, and none
 * after 3 failed ones in 10 minutes (until that user logs in, or they age out), so it cannot fill the first lane
 * against the rest of the staff.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WorkLane } from '../../security/bounded-work.js';
import { FailureWindow } from '../../security/attempt-throttle.js';

export const KNOWN_BROWSER_COOKIE = 'hallq_known';
export const KNOWN_BROWSER_MS = 30 * 24 * 60 * 60_000;
/** Users one browser is known for (a counter PC shared by shifts). */
const USERS_PER_BROWSER = 4;
/** Entries read from one request, over all its `hallq_known` cookies (another service on the host could plant some). */
const ENTRIES_READ = 64;
/** A cookie issued up to this far ahead of the hall's clock (a clock set back) still counts. */
const CLOCK_SLACK_MS = 10 * 60_000;
/** Failed first-lane checks of one user within 10 minutes before its cookies count no more, until it logs in again. */
export const FIRST_LANE_FAILURES = 3;
export const FIRST_LANE_FAILURE_WINDOW_MS = 10 * 60_000;

interface Entry {
  issued: number;
  user: string;
  text: string;
}

const ENTRY = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export class KnownBrowsers {
  private readonly inFlight = new Set<string>();
  /** Failed first-lane checks per user key. Only users a valid cookie names: the staff. */
  private readonly failures = new FailureWindow(FIRST_LANE_FAILURES, FIRST_LANE_FAILURE_WINDOW_MS);

  /**
   * @param key the hall secret's `derivedKey('known-browser')`.
   * @param stampOf what a user's entries are bound to: their stored password hash, undefined for a user who does not
   * exist or is disabled. So a password change or reset voids the user's entries, and a disabled user has none.
   */
  constructor(
    private readonly key: Buffer,
    private readonly stampOf: (username: string) => string | undefined = () => '',
  ) {}

  /**
   * Runs a login's password check in the lane its cookie earns: `first` for a user whose entry it brings, with no
   * other first-lane check of that user running and fewer than 3 wrong passwords there in 10 minutes. Whatever the
   * check does (a wrong password, a full line, a throw), the user's place is given back.
   */
  async check<T>(
    cookieHeader: string | undefined,
    username: string,
    now: number,
    run: (lane: WorkLane) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    // Most logins bring no such cookie: they go on without a look at the user's row.
    const user = cookieHeader?.includes(`${KNOWN_BROWSER_COOKIE}=`) ? this.userKey(username) : undefined;
    const first =
      user !== undefined &&
      !this.inFlight.has(user) &&
      !this.failures.blocked(user, now) &&
      this.entries(cookieHeader, now, user).length > 0;
    if (!first) return run('others');
    this.inFlight.add(user);
    try {
      const found = await run('first');
      if (found === undefined) this.failures.add(user, now);
      else this.failures.clear(user);
      return found;
    } finally {
      this.inFlight.delete(user);
    }
  }

  /**
   * The Set-Cookie header after `username` logged in: its entry renewed, with those of the browser's other users;
   * undefined if the user cannot have one (removed or disabled meanwhile).
   */
  cookie(cookieHeader: string | undefined, username: string, now: number): string | undefined {
    const user = this.userKey(username);
    if (user === undefined) return undefined;
    this.failures.clear(user);
    const others = this.entries(cookieHeader, now).filter((e) => e.user !== user);
    const kept = [this.entry(now, user), ...others.slice(0, USERS_PER_BROWSER - 1).map((e) => e.text)];
    return `${KNOWN_BROWSER_COOKIE}=${kept.join('~')}; Max-Age=${KNOWN_BROWSER_MS / 1000}; Path=/api/v1/auth; HttpOnly; SameSite=Strict`;
  }

  /** The valid, unexpired entries of the request's `hallq_known` cookies, one per user (only `onlyUser`'s if given). */
  private entries(cookieHeader: string | undefined, now: number, onlyUser?: string): Entry[] {
    const texts = (cookieHeader ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part.startsWith(`${KNOWN_BROWSER_COOKIE}=`))
      .flatMap((part) => part.slice(KNOWN_BROWSER_COOKIE.length + 1).split('~'))
      .slice(0, ENTRIES_READ);
    const found = new Map<string, Entry>();
    for (const text of texts) {
      const m = ENTRY.exec(text);
      if (!m || found.has(m[2]) || (onlyUser !== undefined && m[2] !== onlyUser)) continue;
      const issued = Number(m[1]);
      if (now - issued >= KNOWN_BROWSER_MS || issued - now > CLOCK_SLACK_MS) continue;
      if (timingSafeEqual(Buffer.from(m[3]), Buffer.from(this.mac(m[1], m[2]))))
        found.set(m[2], { issued, user: m[2], text });
    }
    return [...found.values()];
  }

  private entry(issued: number, user: string): string {
    return `v1.${issued}.${user}.${this.mac(String(issued), user)}`;
  }

  private userKey(username: string): string | undefined {
    const stamp = this.stampOf(username);
    if (stamp === undefined) return undefined;
    return createHmac('sha256', this.key).update(`user:${username}\n${stamp}`).digest('base64url').slice(0, 16);
  }

  private mac(issued: string, user: string): string {
    return createHmac('sha256', this.key).update(`v1.${issued}.${user}`).digest('base64url');
  }
}
