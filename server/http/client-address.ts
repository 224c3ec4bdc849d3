/**
 * The caller's network address, for per-address throttles: the socket's peer, or — when that peer is one of the
 * hall's own reverse proxies (HALLQ_TRUSTED_PROXIES) — the client that proxy names in X-Forwarded-For. Without that,
 * every phone behind the proxy would share one address and one phone's failed logins would block them all.
 */
import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './middleware/auth.js';
import { requestHeader } from './request-body.js';

/** Entries of X-Forwarded-For looked at, from the right: a longer header is a client's invention. */
const MAX_FORWARDED_HOPS = 8;

/** '::ffff:10.0.0.2' and '10.0.0.2' are one IPv4 address. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * What one client counts as when it guesses: an IPv4 address, or the /64 of an IPv6 one (a host takes addresses in its
 * /64 at will: SLAAC and privacy addresses hand out 2^64 of them).
 */
export function guessingNetwork(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.split('::');
  const groups = (s: string) => (s ? s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? before : [...before, ...Array(8 - before.length - after.length).fill('0'), ...after];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The client behind `peer`: the right-most X-Forwarded-For entry that is not itself a trusted proxy. Entries left of
 * it were written by the client and are never believed; a malformed entry leaves the peer's own address.
 */
export function forwardedClient(peer: string, header: string | undefined, proxies: ReadonlySet<string>): string {
  const from = plainAddress(peer);
  if (!proxies.has(from) || !header) return from;
  const hops = header.split(',').slice(-MAX_FORWARDED_HOPS).reverse();
  for (const hop of hops) {
    const address = plainAddress(hop.trim());
    if (isIP(address) === 0) return from;
    if (!proxies.has(address)) return address;
  }
  return from;
}

function peerAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Works out each request's client address once, before the routes that throttle on it. The header is read from
 * Node's parsed headers, and only with proxies to trust: hono's `c.req.header()` built a web Headers object for every
 * request.
 */
export function resolveClientAddress(proxies: ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return async function clientAddressOf(c, next) {
    const forwarded = proxies.size > 0 ? requestHeader(c, 'x-forwarded-for') : undefined;
    c.set('clientAddress', forwardedClient(peerAddress(c), forwarded, proxies));
    await next();
  };
}

export function clientAddress(c: Context<AppEnv>): string {
  return c.get('clientAddress') ?? plainAddress(peerAddress(c));
}
