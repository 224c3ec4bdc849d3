/** The HTTP API client: JSON in and out, the bearer token, the contract's error shape as an ApiFailure. */
import { noteServerDate } from './format.js';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export interface ApiOptions {
  token?: string | null;
  /** Called on a 401 for a request that carried a token (expired session, removed device). */
  onUnauthorized?: () => void;
  timeoutMs?: number;
}

export class Api {
  token: string | null;
  private readonly opts: ApiOptions;

  constructor(opts: ApiOptions = {}) {
    this.token = opts.token ?? null;
    this.opts = opts;
  }

  async request<T = any>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.opts.timeoutMs ?? 10_000);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    Object.assign(headers, extra);
    let res: Response;
    let text: string;
    const sentAt = Date.now();
    // The timeout covers the whole exchange, body included: a response whose body stalls fails like one that never came.
    try {
      res = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
        cache: 'no-store',
      });
      noteServerDate(res.headers.get('date'), sentAt);
      text = await res.text();
    } catch {
      throw new ApiFailure(0, 'NETWORK', 'the server cannot be reached');
    } finally {
      clearTimeout(timer);
    }
    let data: any = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const err = data?.error;
      if (res.status === 401 && this.token) this.opts.onUnauthorized?.();
      const { code, message, ...details } = err ?? {};
      throw new ApiFailure(res.status, code ?? `HTTP_${res.status}`, message ?? res.statusText, details);
    }
    return data as T;
  }

  get<T = any>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, body, headers);
  }
  patch<T = any>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  del<T = any>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/**
 * A device screen's token: `?token=` on first load, then kept in this tab's session storage and taken out of the
 * address bar (so it is not on screen or in history).
 */
export function deviceToken(scope: string): string | null {
  const key = `hallq.device.${scope}`;
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(key, fromUrl);
    } catch {
      /* storage disabled: keep it in the URL */
      return fromUrl;
    }
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Staff session (console, dashboard): token and who, in session storage so a closed tab logs out. */
export interface StaffSession {
  token: string;
  role: 'manager' | 'counter';
  user: { id: string; username: string; name: string; role: string };
}

const SESSION_KEY = 'hallq.staff';

export function loadSession(): StaffSession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as StaffSession) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: StaffSession | null): void {
  try {
    if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* storage disabled: the session lasts until reload */
  }
}
