/**
 * Bounds the TCP connections an outsider can make the HTTP server hold: per address, in total, with the last part of
 * the total kept for the hall's own devices; tight header and idle timeouts; and every socket closed at shutdown.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Env } from '../config/env.js';
import { log } from '../log.js';
import { LOOPBACK_ADDRESSES } from '../security/loopback.js';
import { plainAddress } from './client-address.js';
import { tokenTaken } from './token-taken.js';
import type { TrustedAddresses } from '../store/trusted-addresses.js';

export interface ConnectionLimits {
  /** Sockets of every kind at once (HTTP, WebSocket, half-open), kept well below the process's descriptor limit. */
  maxTotal: number;
  /** The last `reserved` of `maxTotal` only trusted addresses may use. */
  reserved: number;
  /** Sockets one untrusted address may hold (a browser opens about 6, plus its stream). */
  maxPerAddress: number;
  /** Sockets one trusted address may hold, loopback excepted (the bridge and local tools: `maxTotal` alone). */
  maxPerTrustedAddress: number;
  /** How long an address stays trusted after its last request with a valid token. */
  trustMs: number;
  /** The hall's reverse proxies (HALLQ_TRUSTED_PROXIES): always trusted, as they carry many clients' sockets. */
  proxies: ReadonlySet<string>;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxTotal: 4000,
  reserved: 1000,
  maxPerAddress: 32,
  maxPerTrustedAddress: 256,
  trustMs: 24 * 60 * 60 * 1000,
  proxies: new Set(),
};

/** The limits the environment sets (server/config/env.ts). */
export function connectionLimitsOf(env: Env): Partial<ConnectionLimits> {
  return {
    maxTotal: env.HALLQ_HTTP_MAX_CONNECTIONS,
    maxPerAddress: env.HALLQ_HTTP_MAX_PER_ADDRESS,
    maxPerTrustedAddress: env.HALLQ_HTTP_MAX_PER_TRUSTED_ADDRESS,
    proxies: new Set(env.HALLQ_TRUSTED_PROXIES),
  };
}

/**
 * Node's HTTP timeouts for `createServer`: a client must finish its request headers within 10 s and its whole request
 * within 30 s (bodies are at most a few KB), and an idle keep-alive connection is closed after 5 s. Checked every
 * second, so a half-open connection is gone within 11 s (Node's defaults: 60 s, 300 s, checked every 30 s).
 */
export const HTTP_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
} satisfies ServerOptions;

/**
 * Requests one socket may have waiting for their answers. Browsers and fetch never pipeline (one at a time per
 * socket); a client that writes requests back to back and never reads made Node run every request of each 64 kB it
 * read (~2,000 small GETs) and hold all their answers: 32 such sockets held 1.5 GB and stalled the event loop 13 s.
 */
export const MAX_REQUESTS_IN_FLIGHT_PER_SOCKET = 4;

/** Trusted addresses remembered at most; a full table forgets the oldest. */
const MAX_TRUSTED = 4096;
/** A refusal is logged at most this often (with the count since the last line), so a flood cannot flood the log. */
const REFUSAL_LOG_MS = 10_000;

export class ConnectionGuard {
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new WeakMap<Socket, number>();
  private readonly perAddress = new Map<string, number>();
  /** Address → until when it is trusted. Only a valid token puts an address here. */
  private readonly trusted = new Map<string, number>();
  private readonly limits: ConnectionLimits;
  /** Per kind of refusal (its log message): how many since its last line, and when that was. */
  private readonly refusals = new Map<string, { since: number; lastLog: number }>();

  constructor(
    limits: Partial<ConnectionLimits> = {},
    private readonly clock: () => number = Date.now,
    /** Where the trusted addresses are kept across restarts (none: in memory only). */
    private readonly kept?: TrustedAddresses,
  ) {
    const merged = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
    // Never more sockets than the process may open, with room for the database, the broker and log files.
    const fdLimit = openFileLimit();
    if (fdLimit !== undefined) merged.maxTotal = Math.min(merged.maxTotal, Math.max(64, fdLimit - 256));
    merged.reserved = Math.min(merged.reserved, Math.floor(merged.maxTotal / 2));
    this.limits = merged;
    for (const [address, until] of kept?.load(clock(), MAX_TRUSTED).reverse() ?? []) this.trusted.set(address, until);
  }

  get total(): number {
    return this.sockets.size;
  }

  get settings(): Readonly<ConnectionLimits> {
    return this.limits;
  }

  /** Watches `server`'s connections (and its authenticated requests, to learn the hall's own addresses). */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    // The app's own listener runs only for requests within the socket's allowance.
    const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.admitRequest(req.socket, res)) return;
      this.watchForToken(req, res);
      for (const handle of handlers) handle.call(server, req, res);
    });
  }

  /** Marks `address` as one of the hall's own for `trustMs`: it showed a valid token (HTTP or stream). */
  trust(address: string | undefined): void {
    if (!address || LOOPBACK_ADDRESSES.has(address)) return;
    this.trusted.delete(address); // re-inserted last: the table forgets the longest-unused first
    if (this.trusted.size >= MAX_TRUSTED) {
      const oldest = this.trusted.keys().next().value!;
      this.trusted.delete(oldest);
      this.kept?.forget(oldest);
    }
    const until = this.clock() + this.limits.trustMs;
    this.trusted.set(address, until);
    this.kept?.save(address, until);
  }

  isTrusted(address: string): boolean {
    if (LOOPBACK_ADDRESSES.has(address) || this.limits.proxies.has(plainAddress(address))) return true;
    const until = this.trusted.get(address);
    if (until === undefined) return false;
    if (until > this.clock()) return true;
    this.trusted.delete(address);
    return false;
  }

  /** Destroys every socket still open (shutdown: upgraded, half-open and never-answered ones included). */
  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress;
    if (!address) {
      socket.destroy();
      return;
    }
    const held = this.perAddress.get(address) ?? 0;
    const trusted = this.isTrusted(address);
    const { maxTotal, reserved, maxPerAddress, maxPerTrustedAddress } = this.limits;
    const perAddressCap = LOOPBACK_ADDRESSES.has(address) ? maxTotal : trusted ? maxPerTrustedAddress : maxPerAddress;
    const totalCap = trusted ? maxTotal : maxTotal - reserved;
    if (held >= perAddressCap || this.sockets.size >= totalCap) {
      this.refused(address, held);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    this.perAddress.set(address, held + 1);
    socket.once('close', () => {
      this.sockets.delete(socket);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
  }

  /** Counts a request until its answer is sent; a socket past its allowance is closed (its later requests dropped). */
  private admitRequest(socket: Socket, res: ServerResponse): boolean {
    if (socket.destroyed) return false;
    const waiting = (this.inFlight.get(socket) ?? 0) + 1;
    if (waiting > MAX_REQUESTS_IN_FLIGHT_PER_SOCKET) {
      this.refused(socket.remoteAddress ?? 'unknown', waiting, 'connection closed: too many pipelined requests');
      socket.destroy();
      return false;
    }
    this.inFlight.set(socket, waiting);
    res.once('close', () => this.inFlight.set(socket, (this.inFlight.get(socket) ?? 1) - 1));
    return true;
  }

  /**
   * A 2xx answer under /api/ to a request with an Authorization header means the token was valid: the API refuses
   * every request whose header does not name a live token with 401 before any route runs.
   */
  private watchForToken(req: IncomingMessage, res: ServerResponse): void {
    if (!req.headers.authorization) return;
    res.once('finish', () => {
      // Only a token the API's authentication took: a path that leaves the API (`/api/../healthz`) checks none.
      if (res.statusCode >= 200 && res.statusCode < 300 && tokenTaken.has(req)) this.trust(req.socket.remoteAddress);
    });
  }

  private refused(address: string, held: number, message = 'connections refused: limit reached'): void {
    const kind = this.refusals.get(message) ?? { since: 0, lastLog: 0 };
    this.refusals.set(message, kind);
    kind.since++;
    const now = Date.now();
    if (now - kind.lastLog < REFUSAL_LOG_MS) return;
    log.warn(message, {
      address,
      held,
      total: this.sockets.size,
      refused: kind.since,
    });
    kind.since = 0;
    kind.lastLog = now;
  }
}

/**
 * Closes `server`: idle connections at once, requests in flight get `graceMs` to finish, then every socket left
 * (streams that do not answer the close, half-open or leaked ones) is destroyed, so shutdown never waits on a client.
 */
export function closeServer(server: Server, guard: ConnectionGuard, graceMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.closeAllConnections();
      guard.destroyAll();
    }, graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The soft limit on open files (Linux), or undefined where it cannot be read. */
function openFileLimit(): number | undefined {
  try {
    const m = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)/m);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
