/**
 * The live stream (GET /ws): a snapshot, then events in seq order. A gap or a dropped connection reconnects with
 * `?since=<last seq>`, so the server replays what was missed (or sends a fresh snapshot when that is too old).
 * The server sends `{type:'heartbeat'}` every 20 s: a connection silent for longer than SILENCE_MS is taken for dead
 * (a cable pulled, a NAT that forgot us) and replaced, with the offline banner up until the new one opens.
 * A close with 4401 (token revoked) is not reconnected when the screen handles it: the screen asks to log in again.
 */
import type { HallView } from '../protocol/hall.js';
import type { ServerMessage, StreamEvent } from '../protocol/stream.js';
import { now } from './format.js';

export type StreamStatus = 'connecting' | 'live' | 'offline';

export type { StreamEvent } from '../protocol/stream.js';

export interface StreamHandlers {
  onSnapshot(state: HallView, seq: number): void;
  onEvent(event: StreamEvent, seq: number): void;
  onStatus?(status: StreamStatus): void;
  /**
   * The server closed the stream with 4401: the token was revoked (logout elsewhere, account disabled, password
   * reset) or expired. With this handler the stream stops instead of reconnecting with a dead token.
   */
  onRevoked?(): void;
  /** Managers' streams only: a trigger's proposals changed (GET /emergency again). */
  onProposalsChanged?(): void;
}

/** The close code of a stream whose token was revoked or expired (docs/api.md). */
export const CLOSE_REVOKED = 4401;

const MAX_BACKOFF_MS = 8000;
/** Two missed heartbeats and then some: no message for this long means the connection is dead. */
const SILENCE_MS = 45_000;
/** An event older than this when it arrives is history (replayed after a reconnect), not news. */
export const LIVE_EVENT_MAX_AGE_MS = 30_000;

/**
 * Whether an event is news: true unless its time (`at`) is more than 30 s behind now by the server's clock, as for
 * events replayed after a reconnect. Screens apply every event, but only news is announced, asked about or toasted.
 */
export function isLiveEvent(event: { at?: string }, at = now()): boolean {
  const t = event.at ? Date.parse(event.at) : NaN;
  return !Number.isFinite(t) || at - t <= LIVE_EVENT_MAX_AGE_MS;
}

export class LiveStream {
  private ws?: WebSocket;
  private seq: number | null = null;
  private backoff = 400;
  private timer?: number;
  private silenceTimer?: number;
  private closed = false;
  private status: StreamStatus = 'connecting';

  constructor(
    private readonly handlers: StreamHandlers,
    private readonly token: string | null = null,
  ) {
    addEventListener('online', () => this.reconnectSoon(0));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && (!this.ws || this.ws.readyState > WebSocket.OPEN))
        this.reconnectSoon(0);
    });
  }

  /** Last seq applied; null before the first snapshot. */
  get lastSeq(): number | null {
    return this.seq;
  }

  start(): this {
    this.closed = false;
    this.open();
    return this;
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.silenceTimer);
    this.ws?.close();
  }

  private url(): string {
    const u = new URL('/ws', location.href);
    u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.token) u.searchParams.set('token', this.token);
    if (this.seq !== null) u.searchParams.set('since', String(this.seq));
    return u.toString();
  }

  private setStatus(s: StreamStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.handlers.onStatus?.(s);
  }

  private open(): void {
    clearTimeout(this.timer);
    this.setStatus(this.seq === null ? 'connecting' : this.status);
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.reconnectSoon();
      return;
    }
    this.ws = ws;
    this.heard(ws); // also bounds a connection attempt that never opens
    ws.onopen = () => {
      this.backoff = 400;
      // A resume that has nothing to replay sends nothing: we are live as soon as the socket opens.
      if (this.seq !== null) this.setStatus('live');
    };
    ws.onmessage = (m) => this.receive(ws, m.data);
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      clearTimeout(this.silenceTimer);
      if (ev.code === CLOSE_REVOKED && this.handlers.onRevoked && !this.closed) {
        this.stop();
        this.handlers.onRevoked();
        return;
      }
      if (!this.closed) {
        this.setStatus('offline');
        this.reconnectSoon();
      }
    };
    ws.onerror = () => ws.close();
  }

  /** A sign of life on `ws` (any message, or the attempt to connect): restarts the silence watchdog. */
  private heard(ws: WebSocket): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (ws !== this.ws || this.closed) return;
      // Silent too long: drop it without waiting for a close handshake that may never come, and resume from our seq.
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch {
        /* already closing */
      }
      this.ws = undefined;
      this.setStatus('offline');
      this.reconnectSoon(0);
    }, SILENCE_MS) as unknown as number;
  }

  private receive(ws: WebSocket, data: unknown): void {
    if (ws !== this.ws) return;
    this.heard(ws);
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    // A heartbeat only says the connection is alive; its seq (the stream's head) is never a gap to fill.
    if (msg.type === 'heartbeat') return;
    if (msg.type === 'proposals.changed') return this.handlers.onProposalsChanged?.();
    if (msg.type === 'snapshot') {
      this.seq = msg.seq;
      this.setStatus('live');
      this.handlers.onSnapshot(msg.state, msg.seq);
      return;
    }
    if (msg.type !== 'event' || typeof msg.seq !== 'number') return;
    if (this.seq === null) return; // events before any snapshot cannot be applied
    if (msg.seq <= this.seq) return; // already applied (a replay overlap)
    if (msg.seq !== this.seq + 1) {
      // A gap: resume from what we have; the server replays or re-snapshots.
      ws.onclose = null;
      ws.close();
      this.ws = undefined;
      this.open();
      return;
    }
    this.seq = msg.seq;
    try {
      this.handlers.onEvent(msg.event, msg.seq);
    } catch (err) {
      console.error('stream event handler failed', err);
    }
  }

  private reconnectSoon(delay = this.backoff): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
      this.open();
    }, delay) as unknown as number;
    this.backoff = Math.min(MAX_BACKOFF_MS, Math.round(this.backoff * 1.8));
  }
}
