/**
 * GET /ws: a snapshot, then every committed event in order. `?since=N` resumes from a ring of recent events or
 * falls back to a fresh snapshot. Each audience gets its own rendering; a slow client is dropped, never buffered.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CommittedEvent } from '../core/event-bus.js';
import type { HallService } from '../core/hall-service.js';
import { audienceOf, hallView, streamEvent, ticketView, type Audience } from '../core/views.js';
import { log } from '../log.js';
import type { Accounts } from '../store/accounts.js';
import { bearerToken } from '../http/middleware/auth.js';
import type { EventMessage, HeartbeatMessage, SnapshotMessage } from './messages.js';

export interface LiveStreamOptions {
  /** Recent events kept for resuming clients (at least this many; up to a tenth more between trims). */
  ringSize?: number;
  /** A client whose unsent data passes this many bytes is dropped. */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
  /** How often every client gets `{type:'heartbeat', seq}`, so a screen notices a silently dead connection. */
  liveSignalMs?: number;
}

interface Client {
  ws: WebSocket;
  audience: Audience;
  alive: boolean;
}

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
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly clients = new Set<Client>();
  private readonly ring: Rendered[] = [];
  private readonly ringSize: number;
  private readonly maxBuffered: number;
  private heartbeat?: NodeJS.Timeout;
  private liveSignal?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

  constructor(
    private readonly hall: HallService,
    private readonly accounts: Accounts,
    private readonly opts: LiveStreamOptions = {},
  ) {
    this.ringSize = opts.ringSize ?? 5000;
    this.maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  start(server: Server): void {
    this.unsubscribe = this.hall.bus.on('committed', (events) => this.broadcast(events), { first: true });
    this.onUpgrade = (req, socket, head) => this.upgrade(req, socket, head);
    server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.checkAlive(), this.opts.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    this.liveSignal = setInterval(() => {
      const msg = JSON.stringify({ type: 'heartbeat', seq: this.hall.log.streamSeq } satisfies HeartbeatMessage);
      for (const c of this.clients) this.send(c, msg);
    }, this.opts.liveSignalMs ?? 20_000);
    this.liveSignal.unref();
  }

  stop(server?: Server): void {
    this.unsubscribe?.();
    if (server && this.onUpgrade) server.off('upgrade', this.onUpgrade);
    clearInterval(this.heartbeat);
    clearInterval(this.liveSignal);
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
    this.clients.clear();
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://hall');
    if (url.pathname !== '/ws') return; // another upgrade handler (or none) owns this path
    const token = url.searchParams.get('token') ?? bearerToken(req.headers.authorization);
    let audience: Audience = 'public';
    if (token) {
      const p = this.accounts.principal(token, this.hall.clock());
      if (!p) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' +
          JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'the token is unknown or has expired' } }));
        return;
      }
      audience = audienceOf(p.role);
    }
    const sinceRaw = url.searchParams.get('since');
    const since = sinceRaw !== null && /^\d{1,15}$/.test(sinceRaw) ? Number(sinceRaw) : undefined;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, audience, since));
  }

  private connected(ws: WebSocket, audience: Audience, since?: number): void {
    const client: Client = { ws, audience, alive: true };
    this.clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    ws.on('message', () => {
      /* clients only listen; anything they send is ignored */
    });
    const head = this.hall.log.streamSeq;
    const oldest = this.ring[0]?.seq;
    const canResume = since !== undefined && since <= head && (since === head || (oldest !== undefined && since >= oldest - 1));
    if (canResume) {
      for (const r of this.ring) if (r.seq > since!) this.send(client, this.encoded(r, audience));
      return;
    }
    this.send(client, JSON.stringify(this.snapshot(audience)));
  }

  snapshot(audience: Audience): SnapshotMessage {
    const { hallFile } = this.hall;
    const state: Record<string, unknown> = hallView(hallFile, this.hall.state, this.hall.clock(), this.hall.alwaysOpen, audience);
    if (audience === 'staff') {
      state.tickets = [...this.hall.state.tickets.values()]
        .filter((t) => t.status === 'waiting' || t.status === 'called' || t.status === 'serving')
        .map((t) => ticketView(hallFile, this.hall.state, t, { verifyCode: false }));
    }
    return { type: 'snapshot', seq: this.hall.log.streamSeq, state };
  }

  private broadcast(events: CommittedEvent[]): void {
    const rendered: Rendered[] = events.map((event) => ({ seq: event.streamSeq, event, bytes: {} }));
    this.ring.push(...rendered);
    // Trimmed a tenth at a time: shift() per event moves the whole ring each time.
    if (this.ring.length > this.ringSize * 1.1) this.ring.splice(0, this.ring.length - this.ringSize);
    if (rendered.length === 1) {
      const [r] = rendered;
      for (const client of this.clients) this.send(client, this.encoded(r, client.audience));
      return;
    }
    for (const client of this.clients) {
      // One write per client per command, however many events it made (a call after a finish is two).
      const socket = (client.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
      socket?.cork();
      for (const r of rendered) this.send(client, this.encoded(r, client.audience));
      socket?.uncork();
    }
  }

  private encoded(r: Rendered, audience: Audience): Buffer {
    let bytes = r.bytes[audience];
    if (!bytes) {
      const msg: EventMessage = { type: 'event', seq: r.seq, event: streamEvent(this.hall.hallFile, this.hall.state, r.event, audience) as EventMessage['event'] };
      bytes = r.bytes[audience] = Buffer.from(JSON.stringify(msg));
    }
    return bytes;
  }

  private send(client: Client, data: string | Buffer): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (client.ws.bufferedAmount > this.maxBuffered) {
      log.warn('dropping a slow stream client', { audience: client.audience, buffered: client.ws.bufferedAmount });
      this.clients.delete(client);
      client.ws.terminate();
      return;
    }
    client.ws.send(data, { binary: false });
  }

  private checkAlive(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        this.clients.delete(c);
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }
}
