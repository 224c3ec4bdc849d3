/**
 * Browsers staff logged in from, told apart by a cookie (OWASP's "device cookie"), not by their address: a password
 * login that succeeds sets `hallq_known`, its issue time signed with a key derived from the hall secret, for 30 days
 * and renewed at each login. A login that brings a valid one waits in the password checks' first lane, ahead of
 * strangers, so a flood of wrong passwords from the hall's Wi-Fi, which fills only the strangers' lane, cannot keep
 * the counters' and the manager's PCs from logging in, after a restart too. The cookie names nobody, is HttpOnly,
 * SameSite=Strict and sent only to /api/v1/auth; no address, taken over or probed, gets a place in the first lane.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const KNOWN_BROWSER_COOKIE = 'hallq_known';
export const KNOWN_BROWSER_MS = 30 * 24 * 60 * 60_000;
/** A cookie issued up to this far ahead of the hall's clock (a clock set back) still counts. */
const CLOCK_SLACK_MS = 10 * 60_000;

export class KnownBrowsers {
  /** @param key the hall secret's `derivedKey('known-browser')`. */
  constructor(private readonly key: Buffer) {}

  /** The Set-Cookie header for a browser that has just logged in with a password. */
  cookie(now: number): string {
    const value = `v1.${now}`;
    return `${KNOWN_BROWSER_COOKIE}=${value}.${this.mac(value)}; Max-Age=${KNOWN_BROWSER_MS / 1000}; Path=/api/v1/auth; HttpOnly; SameSite=Strict`;
  }

  /** Whether the request's Cookie header holds a valid, unexpired `hallq_known`. */
  isKnown(cookieHeader: string | undefined, now: number): boolean {
    const found = cookieHeader
      ?.split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${KNOWN_BROWSER_COOKIE}=`));
    const match = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(found?.slice(KNOWN_BROWSER_COOKIE.length + 1) ?? '');
    if (!match) return false;
    const issued = Number(match[1]);
    if (now - issued >= KNOWN_BROWSER_MS || issued - now > CLOCK_SLACK_MS) return false;
    return timingSafeEqual(Buffer.from(match[2]), Buffer.from(this.mac(`v1.${match[1]}`)));
  }

  private mac(value: string): string {
    return createHmac('sha256', this.key).update(value).digest('base64url');
  }
}
