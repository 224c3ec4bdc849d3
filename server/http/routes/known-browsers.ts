/**
 * Browsers staff logged in from, told apart by a cookie (OWASP's "device cookie"), not by their address. A password
 * login that succeeds sets `hallq_known`: for that user (a keyed hash of the username, never the name) and its issue
 * time, signed with a key derived from the hall secret, for 30 days; a shared counter PC keeps the entries of its last
 * four users. A login for a user whose entry it brings waits in the password checks' first lane, ahead of strangers,
 * so a flood of wrong passwords from the hall's Wi-Fi, which fills only the strangers' lane, cannot keep the counters'
 * and the manager's PCs from logging in, after a restart or with a new address too. HttpOnly, SameSite=Strict, sent
 * only to /api/v1/auth.
 *
 * A stolen cookie buys little: it counts only for its own users, one first-lane check of a user at a time, and none
 * after 3 failed ones until that user logs in again, so it cannot fill the first lane against the rest of the staff.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const KNOWN_BROWSER_COOKIE = 'hallq_known';
export const KNOWN_BROWSER_MS = 30 * 24 * 60 * 60_000;
/** Users one browser is known for (a counter PC shared by shifts). */
const USERS_PER_BROWSER = 4;
/** `hallq_known` cookies read from one request (another service on the host could plant a bad one beside ours). */
const COOKIES_READ = 4;
/** A cookie issued up to this far ahead of the hall's clock (a clock set back) still counts. */
const CLOCK_SLACK_MS = 10 * 60_000;
/** Failed first-lane checks of one user before its cookies count no more, until it logs in again. */
export const FIRST_LANE_FAILURES = 3;

interface Entry {
  issued: number;
  user: string;
  text: string;
}

const ENTRY = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export class KnownBrowsers {
  private readonly inFlight = new Set<string>();
  /** User key → failed first-lane checks since its last login. Only users a valid cookie names: the staff. */
  private readonly failures = new Map<string, number>();

  /** @param key the hall secret's `derivedKey('known-browser')`. */
  constructor(private readonly key: Buffer) {}

  /**
   * Whether this login goes in the first lane; if so, its user's key, to hand back to `checked` once its password
   * check is over.
   */
  admit(cookieHeader: string | undefined, username: string, now: number): string | undefined {
    const user = this.userKey(username);
    if (this.inFlight.has(user) || (this.failures.get(user) ?? 0) >= FIRST_LANE_FAILURES) return undefined;
    if (!this.entries(cookieHeader, now).some((e) => e.user === user)) return undefined;
    this.inFlight.add(user);
    return user;
  }

  /** A first-lane check is over: the password was right, wrong, or never checked (undefined: the line was full). */
  checked(user: string, ok: boolean | undefined): void {
    this.inFlight.delete(user);
    if (ok === true) this.failures.delete(user);
    if (ok === false) this.failures.set(user, (this.failures.get(user) ?? 0) + 1);
  }

  /** The Set-Cookie header after `username` logged in: its entry renewed, with those of the browser's other users. */
  cookie(cookieHeader: string | undefined, username: string, now: number): string {
    const user = this.userKey(username);
    this.failures.delete(user);
    const others = this.entries(cookieHeader, now).filter((e) => e.user !== user);
    const kept = [this.entry(now, user), ...others.slice(0, USERS_PER_BROWSER - 1).map((e) => e.text)];
    return `${KNOWN_BROWSER_COOKIE}=${kept.join('~')}; Max-Age=${KNOWN_BROWSER_MS / 1000}; Path=/api/v1/auth; HttpOnly; SameSite=Strict`;
  }

  /** The valid, unexpired entries of the request's `hallq_known` cookies, one per user. */
  private entries(cookieHeader: string | undefined, now: number): Entry[] {
    const values = (cookieHeader ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part.startsWith(`${KNOWN_BROWSER_COOKIE}=`))
      .slice(0, COOKIES_READ)
      .map((part) => part.slice(KNOWN_BROWSER_COOKIE.length + 1));
    const found = new Map<string, Entry>();
    for (const text of values.flatMap((v) => v.split('~').slice(0, USERS_PER_BROWSER))) {
      const m = ENTRY.exec(text);
      if (!m || found.has(m[2])) continue;
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

  private userKey(username: string): string {
    return createHmac('sha256', this.key).update(`user:${username}`).digest('base64url').slice(0, 16);
  }

  private mac(issued: string, user: string): string {
    return createHmac('sha256', this.key).update(`v1.${issued}.${user}`).digest('base64url');
  }
}
