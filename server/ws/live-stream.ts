/**
 * GET /ws: a snapshot, then every committed event in order. `?since=N` resumes from a ring of recent events or
 * falls back to a fresh snapshot. Each audience gets its own rendering; a slow client is dropped, never buffered.
 * Bounded: public clients by number, every client's unsent bytes, and the unsent bytes of all clients together.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import type { CommittedEvent } from '../core/event-bus.js';
import type { HallService } from '../core/hall-service.js';
import { audienceOf, hallView, streamEvent, ticketView, type Audience } from '../core/views.js';
import { log } from '../log.js';
import type { Accounts, Principal } from '../store/accounts.js';
import type { Revocation } from '../store/revocations.js';
import { bearerToken } from '../http/middleware/auth.js';
import type { HallView } from '../../protocol/hall.js';
import { tokenHash } from '../security/random-ids.js';
import {
  CLOSE_REVOKED,
  CLOSE_SHUTTING_DOWN,
  type EventMessage,
  type HeartbeatMessage,
  type ProposalsChangedMessage,
  type SnapshotMessage,
} from './messages.js';
import { refuseUpgrade } from './refuse-upgrade.js';
import { ScreenPresence } from './screen-presence.js';

/** Live streams one device token may hold at once (a screen needs one; a reload overlaps two). */
export const MAX_STREAMS_PER_DEVICE = 8;

export interface LiveStreamOptions {
  /** Recent events kept for resuming clients (at least this many; up to a tenth more between trims). */
  ringSize?: number;
  /** A client with a token whose unsent data passes this many bytes is dropped. */
  maxBufferedBytes?: number;
  /** The same for a public (tokenless) client: a hall board's snapshot is a few KB, its events a few hundred bytes. */
  maxPublicBufferedBytes?: number;
  /** Unsent data of all clients together; over it the clients with the most are dropped until it is under. */
  maxTotalBufferedBytes?: number;
  /** Public clients at once; more are refused with 503 (screens with a device token are not counted). */
  maxPublicClients?: number;
  /** How often every client is pinged; one that has not answered the previous ping with its payload is dropped. */
  heartbeatMs?: number;
  /** How often every client gets `{type:'heartbeat', seq}`, so a screen notices a silently dead connection. */
  liveSignalMs?: number;
  /** Called with the address of every client that opened the stream with a valid token. */
  onAuthenticated?(address: string | undefined): void;
}

export const STREAM_LIMITS = {
  maxBufferedBytes: 1024 * 1024,
  maxPublicBufferedBytes: 256 * 1024,
  maxTotalBufferedBytes: 32 * 1024 * 1024,
  maxPublicClients: 1000,
  /** Largest message a client may send (they only listen); more closes the stream with 1009. */
  maxPayload: 4096,
  /** How long a close handshake may take before the socket is destroyed. */
  closeTimeoutMs: 5000,
};

interface Client {
  ws: WebSocket;
  audience: Audience;
  /** The token it opened the stream with (checked again at every ping) and whose it is; none for public clients. */
  token?: string;
  tokenHash?: string;
  principal?: Principal;
  /** The payload of our last ping while no pong has carried it back; a pong with anything else proves nothing. */
  awaitedPong?: Buffer;
  /** `ws.bufferedAmount` when last looked at: an upper bound, since it only shrinks until we write again. */
  buffered: number;
  /** The stream position this client has been sent up to (its snapshot, or the last event). */
  sentSeq: number;
}

const ACTIVATED = (e: CommittedEvent) => e.event.type === 'playbook.activated';
/** Events that reach the screens at once even while their updates are coalesced: the playbooks' (life safety). */
const URGENT = (e: CommittedEvent) => e.event.type === 'emergency.changed' || e.event.type.startsWith('playbook.');
/** Held events past this many are sent at once, so power saving never holds much memory. */
const MAX_HELD = 1000;

const PING_PAYLOAD_BYTES = 8;

/**
 * One event and its encodings, made the first time an audience needs one and then shared by every client of that
 * audience. Rendering needs only the committed event (it carries its ticket as the event left it), so a resuming
 * staff screen gets the same bytes later as it would have then.
 */
interface Rendered {
  seq: number;
  event: CommittedEvent;
  bytes: Partial<Record<Audience, Buffer>>;
}

export class LiveStream {
  // closeTimeout (ws 8.23) is not in @types/ws yet.
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: STREAM_LIMITS.maxPayload,
    closeTimeout: STREAM_LIMITS.closeTimeoutMs,
  } as ServerOptions);
  private readonly clients = new Set<Client>();
  /** Registered screens with a stream open now: their online state (GET /devices, the alerts). */
  readonly screens = new ScreenPresence();
  private readonly ring: Rendered[] = [];
  private readonly ringSize: number;
  private readonly limits: typeof STREAM_LIMITS;
  private publicClients = 0;
  /** Σ client.buffered: at least what all clients have unsent, since each `buffered` is an upper bound. */
  private bufferedTotal = 0;
  private heartbeat?: NodeJS.Timeout;
  private liveSignal?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private unsubscribeRevocations?: () => void;
  private onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** While set (on UPS battery): screens other than staff consoles get their events at most this often. */
  private coalesceMs?: number;
  private coalesceTimer?: NodeJS.Timeout;
  /** Events not yet sent to the coalesced clients, oldest first. */
  private held: Rendered[] = [];

  constructor(
    private readonly hall: HallService,
    private readonly accounts: Accounts,
    private readonly opts: LiveStreamOptions = {},
  ) {
    this.ringSize = opts.ringSize ?? 5000;
    this.limits = {
      ...STREAM_LIMITS,
      maxBufferedBytes: opts.maxBufferedBytes ?? STREAM_LIMITS.maxBufferedBytes,
      maxPublicBufferedBytes: opts.maxPublicBufferedBytes ?? STREAM_LIMITS.maxPublicBufferedBytes,
      maxTotalBufferedBytes: opts.maxTotalBufferedBytes ?? STREAM_LIMITS.maxTotalBufferedBytes,
      maxPublicClients: opts.maxPublicClients ?? STREAM_LIMITS.maxPublicClients,
    };
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Bytes the stream's clients have queued and not yet handed to the kernel (at most; exact after a broadcast). */
  get bufferedBytes(): number {
    return this.bufferedTotal;
  }

  start(server: Server): void {
    this.unsubscribe = this.hall.bus.on('committed', (events) => this.broadcast(events), { first: true });
    this.unsubscribeRevocations = this.accounts.revocations.on((r) => this.revoke(r));
    this.onUpgrade = (req, socket, head) => this.upgrade(req, socket, head);
    server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.checkAlive(), this.opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    this.liveSignal = setInterval(() => {
      const msg = Buffer.from(
        JSON.stringify({ type: 'heartbeat', seq: this.hall.log.streamSeq } satisfies HeartbeatMessage),
      );
      for (const c of this.clients) this.send(c, msg);
      this.shedIfOverBudget();
    }, this.opts.liveSignalMs ?? 20_000);
    this.liveSignal.unref();
  }

  /** How often coalesced screens get their events now, or undefined when every event goes out at once. */
  get coalescing(): number | undefined {
    return this.coalesceMs;
  }

  /**
   * Power saving (on UPS battery): hall boards, counter displays, kiosks and phone pages get their events in one write
   * every `ms` instead of each at once (fewer refreshes); staff consoles and the playbooks' events stay immediate.
   * `undefined` sends what is held now and ends it.
   */
  setCoalescing(ms: number | undefined): void {
    clearInterval(this.coalesceTimer);
    this.coalesceTimer = undefined;
    this.coalesceMs = ms;
    if (ms === undefined) {
      this.flushHeld();
      return;
    }
    this.coalesceTimer = setInterval(() => this.flushHeld(), ms);
    this.coalesceTimer.unref();
  }

  stop(server?: Server): void {
    this.setCoalescing(undefined);
    this.unsubscribe?.();
    this.unsubscribeRevocations?.();
    if (server && this.onUpgrade) server.off('upgrade', this.onUpgrade);
    clearInterval(this.heartbeat);
    clearInterval(this.liveSignal);
    for (const c of [...this.clients]) this.close(c, CLOSE_SHUTTING_DOWN, 'server shutting down');
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://hall');
    // The stream is the server's only upgrade: anything else is answered and closed, never left holding a socket.
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'NOT_FOUND', `no WebSocket at ${url.pathname}`);
    const token = url.searchParams.get('token') ?? bearerToken(req.headers.authorization);
    let principal: Principal | undefined;
    if (token) {
      principal = this.accounts.principal(token, this.hall.clock());
      if (!principal) return refuseUpgrade(socket, 401, 'UNAUTHORIZED', 'the token is unknown or has expired');
      this.opts.onAuthenticated?.(req.socket.remoteAddress);
    } else if (this.publicClients >= this.limits.maxPublicClients) {
      return refuseUpgrade(
        socket,
        503,
        'STREAM_FULL',
        'too many public screens; a hall display should use its device token',
        {
          'Retry-After': '30',
        },
      );
    }
    const sinceRaw = url.searchParams.get('since');
    const since = sinceRaw !== null && /^\d{1,15}$/.test(sinceRaw) ? Number(sinceRaw) : undefined;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, token, principal, since));
  }

  private connected(ws: WebSocket, token: string | undefined, principal: Principal | undefined, since?: number): void {
    const audience: Audience = principal ? audienceOf(principal.role) : 'public';
    const client: Client = {
      ws,
      audience,
      token,
      tokenHash: token && tokenHash(token),
      principal,
      buffered: 0,
      sentSeq: this.hall.log.streamSeq,
    };
    if (principal?.kind === 'device') this.closeOldestBeyond(principal.id, MAX_STREAMS_PER_DEVICE - 1);
    this.clients.add(client);
    if (!principal) this.publicClients++;
    if (principal?.kind === 'device') this.screens.opened(principal.id);
    ws.on('pong', (data) => {
      if (client.awaitedPong?.equals(data)) client.awaitedPong = undefined;
    });
    ws.on('close', () => this.forget(client));
    ws.on('error', () => this.forget(client));
    ws.on('message', () => {
      /* clients only listen; anything they send is ignored */
    });
    const head = this.hall.log.streamSeq;
    const oldest = this.ring[0]?.seq;
    const canResume =
      since !== undefined && since <= head && (since === head || (oldest !== undefined && since >= oldest - 1));
    const missed = canResume ? this.replayable(since!, audience) : undefined;
    if (missed) for (const bytes of missed) this.send(client, bytes);
    else this.send(client, JSON.stringify(this.snapshot(audience)));
    this.shedIfOverBudget();
    if (principal?.kind === 'device' && this.hall.state.playbooks?.length) this.screensReached([client]);
  }

  /** Tells the bus which registered screens now hold everything sent so far (drill reports time them). */
  private screensReached(clients: Iterable<Client>): void {
    const deviceIds: string[] = [];
    for (const c of clients)
      if (c.principal?.kind === 'device' && this.clients.has(c) && c.sentSeq >= this.hall.log.streamSeq)
        deviceIds.push(c.principal.id);
    if (deviceIds.length === 0) return;
    const at = this.hall.clock();
    // After the batch's other listeners (the stream listens first): the drill report starts on the same batch.
    queueMicrotask(() => this.hall.bus.emit('screens.reached', { deviceIds, at }));
  }

  /**
   * The events after `since` for `audience`, or undefined when they come to more than half the client's buffer: sent
   * at once on a slow network they would get it dropped, and it would resume, and be dropped again. A snapshot then.
   */
  private replayable(since: number, audience: Audience): Buffer[] | undefined {
    const budget = this.bufferCap(audience) / 2;
    const out: Buffer[] = [];
    let bytes = 0;
    for (const r of this.ring) {
      if (r.seq <= since) continue;
      const encoded = this.encoded(r, audience);
      if ((bytes += encoded.length) > budget) return undefined;
      out.push(encoded);
    }
    return out;
  }

  private bufferCap(audience: Audience): number {
    return audience === 'public' ? this.limits.maxPublicBufferedBytes : this.limits.maxBufferedBytes;
  }

  snapshot(audience: Audience): SnapshotMessage {
    const { hallFile } = this.hall;
    const state: HallView = hallView(hallFile, this.hall.state, this.hall.clock(), this.hall.alwaysOpen, audience);
    if (audience === 'staff') {
      state.tickets = [...this.hall.state.tickets.values()]
        .filter((t) => t.status === 'waiting' || t.status === 'called' || t.status === 'serving')
        .map((t) => ticketView(hallFile, this.hall.state, t, { verifyCode: false }));
    }
    return { type: 'snapshot', seq: this.hall.log.streamSeq, state };
  }

  /** Tells every manager's stream that the open proposals changed (they are not hall state: no seq of their own). */
  proposalsChanged(): void {
    const msg = Buffer.from(
      JSON.stringify({ type: 'proposals.changed', seq: this.hall.log.streamSeq } satisfies ProposalsChangedMessage),
    );
    for (const c of this.clients) if (c.principal?.role === 'manager') this.send(c, msg);
    this.shedIfOverBudget();
  }

  private broadcast(events: CommittedEvent[]): void {
    const rendered: Rendered[] = events.map((event) => ({ seq: event.streamSeq, event, bytes: {} }));
    this.ring.push(...rendered);
    // Trimmed a tenth at a time: shift() per event moves the whole ring each time.
    if (this.ring.length > this.ringSize * 1.1) this.ring.splice(0, this.ring.length - this.ringSize);
    if (this.coalesceMs !== undefined) {
      this.held.push(...rendered);
      if (events.some(URGENT) || this.held.length > MAX_HELD) this.flushHeld();
      else for (const client of this.clients) if (client.audience === 'staff') this.sendAll(client, rendered);
    } else if (rendered.length === 1) {
      const [r] = rendered;
      for (const client of this.clients) this.sendEvent(client, r);
    } else {
      for (const client of this.clients) this.sendAll(client, rendered);
    }
    this.shedIfOverBudget();
    if (events.some(ACTIVATED)) this.screensReached(this.clients);
  }

  /** Sends every held event to each client that has not had it yet (staff consoles had theirs at once). */
  private flushHeld(): void {
    const held = this.held;
    this.held = [];
    if (held.length === 0) return;
    for (const client of this.clients) this.sendAll(client, held);
    this.shedIfOverBudget();
  }

  /** One write per client however many events (a call after a finish is two); only those it has not had yet. */
  private sendAll(client: Client, rendered: Rendered[]): void {
    const socket = (client.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    socket?.cork();
    for (const r of rendered) this.sendEvent(client, r);
    socket?.uncork();
    this.recount(client);
  }

  private sendEvent(client: Client, r: Rendered): void {
    if (r.seq <= client.sentSeq) return;
    client.sentSeq = r.seq;
    this.send(client, this.encoded(r, client.audience));
  }

  private encoded(r: Rendered, audience: Audience): Buffer {
    let bytes = r.bytes[audience];
    if (!bytes) {
      const msg: EventMessage = {
        type: 'event',
        seq: r.seq,
        event: streamEvent(this.hall.hallFile, this.hall.state, r.event, audience),
      };
      bytes = r.bytes[audience] = Buffer.from(JSON.stringify(msg));
    }
    return bytes;
  }

  /**
   * Sends unless the client already holds more unsent data than its audience may. ws's `bufferedAmount` counts what
   * sits in the socket's writable buffer too (everything this process holds for the client; not the kernel's part).
   */
  private send(client: Client, data: string | Buffer): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    const buffered = client.ws.bufferedAmount;
    if (buffered > this.bufferCap(client.audience)) {
      log.warn('dropping a slow stream client', { audience: client.audience, buffered });
      this.drop(client);
      return;
    }
    client.ws.send(data, { binary: false });
    this.recount(client);
  }

  /** Takes the client's current unsent bytes into the total. */
  private recount(client: Client): void {
    if (!this.clients.has(client)) return;
    const now = client.ws.bufferedAmount;
    this.bufferedTotal += now - client.buffered;
    client.buffered = now;
  }

  /**
   * Over the budget for all clients together: looks at every client again (the total is an upper bound) and drops
   * those with the most unsent data until it is under. Each is one that stopped reading while others kept up.
   */
  private shedIfOverBudget(): void {
    if (this.bufferedTotal <= this.limits.maxTotalBufferedBytes) return;
    for (const c of this.clients) this.recount(c);
    if (this.bufferedTotal <= this.limits.maxTotalBufferedBytes) return;
    const slowestFirst = [...this.clients].sort((a, b) => b.buffered - a.buffered);
    let dropped = 0;
    for (const c of slowestFirst) {
      if (this.bufferedTotal <= this.limits.maxTotalBufferedBytes || c.buffered === 0) break;
      this.drop(c);
      dropped++;
    }
    log.warn('stream over its memory budget: dropped the slowest clients', { dropped, buffered: this.bufferedTotal });
  }

  /** Closes the streams opened with a revoked token, or by a removed device or a disabled user, at once. */
  private revoke(r: Revocation): void {
    for (const c of [...this.clients]) {
      const p = c.principal;
      const hit =
        'tokenHash' in r
          ? c.tokenHash === r.tokenHash
          : 'deviceId' in r
            ? p?.kind === 'device' && p.id === r.deviceId
            : p?.kind === 'user' && p.id === r.userId && c.tokenHash !== r.exceptTokenHash;
      if (hit) this.close(c, CLOSE_REVOKED, 'token revoked');
    }
  }

  /**
   * Every `heartbeatMs`: drops a client that did not send back the payload of the previous ping (an unasked-for pong
   * does not count, so a client that never reads cannot pass), closes one whose token has since expired or gone, and
   * pings the rest with a fresh random payload each.
   */
  private checkAlive(): void {
    const now = this.hall.clock();
    const payloads = randomBytes(PING_PAYLOAD_BYTES * this.clients.size);
    let i = 0;
    for (const c of [...this.clients]) {
      if (c.awaitedPong) {
        this.drop(c);
        continue;
      }
      if (c.token && !this.accounts.principal(c.token, now)) {
        this.close(c, CLOSE_REVOKED, 'token expired or revoked');
        continue;
      }
      c.awaitedPong = payloads.subarray(i, (i += PING_PAYLOAD_BYTES));
      c.ws.ping(c.awaitedPong);
      this.recount(c);
    }
    this.shedIfOverBudget();
  }

  /** Stops sending to the client and counting it (once, whatever ends it). */
  private forget(client: Client): void {
    if (!this.clients.delete(client)) return;
    this.bufferedTotal -= client.buffered;
    client.buffered = 0;
    if (!client.principal) this.publicClients--;
    if (client.principal?.kind === 'device') this.screens.closed(client.principal.id, Date.now());
  }

  /** Ends a client that is not reading: no close handshake it would never see. */
  private drop(client: Client): void {
    this.forget(client);
    client.ws.terminate();
  }

  /**
   * Keeps a device's streams to `keep` by closing its oldest (4409): one screen needs one, a reload overlaps two, and
   * one token held 200 (QA-N). The oldest goes, not the new one, so a page that reloads is never shut out.
   */
  private closeOldestBeyond(deviceId: string, keep: number): void {
    const mine = [...this.clients].filter((c) => c.principal?.kind === 'device' && c.principal.id === deviceId);
    for (const c of mine.slice(0, Math.max(0, mine.length - keep)))
      this.close(c, 4409, 'too many streams with this device token: the oldest is closed');
  }

  private close(client: Client, code: number, reason: string): void {
    this.forget(client);
    client.ws.close(code, reason);
  }
}
