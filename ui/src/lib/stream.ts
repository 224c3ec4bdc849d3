/**
 * The live stream (GET /ws): a snapshot, then events in seq order. A gap or a dropped connection reconnects with
 * `?since=<last seq>`, so the server replays what was missed (or sends a fresh snapshot when that is too old).
 */

export type StreamStatus = 'connecting' | 'live' | 'offline';

export interface StreamEvent {
  type: string;
  at?: string;
  [k: string]: any;
}

export interface StreamHandlers {
  onSnapshot(state: any, seq: number): void;
  onEvent(event: StreamEvent, seq: number): void;
  onStatus?(status: StreamStatus): void;
}

const MAX_BACKOFF_MS = 8000;

export class LiveStream {
  private ws?: WebSocket;
  private seq: number | null = null;
  private backoff = 400;
  private timer?: number;
  private closed = false;
  private status: StreamStatus = 'connecting';

  constructor(
    private readonly handlers: StreamHandlers,
    private readonly token: string | null = null,
  ) {
    addEventListener('online', () => this.reconnectSoon(0));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && (!this.ws || this.ws.readyState > WebSocket.OPEN)) this.reconnectSoon(0);
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
    ws.onopen = () => {
      this.backoff = 400;
      // A resume that has nothing to replay sends nothing: we are live as soon as the socket opens.
      if (this.seq !== null) this.setStatus('live');
    };
    ws.onmessage = (m) => this.receive(ws, m.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (!this.closed) {
        this.setStatus('offline');
        this.reconnectSoon();
      }
    };
    ws.onerror = () => ws.close();
  }

  private receive(ws: WebSocket, data: unknown): void {
    if (ws !== this.ws || typeof data !== 'string') return;
    let msg: any;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
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
