/** Shared bits of the API tests: a controllable clock, error assertions, a WebSocket reader, hall look-ups. */
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { ApiResponse, TestHall } from '../helpers/test-hall.js';

export const V1 = '/api/v1';

/** A hand-turned clock: `clock` for startTestHall, `advance(minutes)` to move it. */
export function manualClock(iso: string) {
  const c = {
    now: Date.parse(iso),
    clock: () => c.now,
    advance(minutes: number) {
      c.now += Math.round(minutes * 60_000);
    },
    set(isoAt: string) {
      c.now = Date.parse(isoAt);
    },
  };
  if (Number.isNaN(c.now)) throw new Error(`bad instant ${iso}`);
  return c;
}

/** Monday 2 March 2026, 10:00 in Asia/Shanghai: a working day, inside opening hours. */
export const MONDAY_10 = '2026-03-02T10:00:00+08:00';

export function expectError(res: ApiResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

export function expectOk(res: ApiResponse, status = 200): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
}

/** POST /tickets that must succeed; returns the ticket. */
export async function issue(h: TestHall, token: string, body: Record<string, unknown>): Promise<any> {
  const r = await h.api('POST', `${V1}/tickets`, body, token);
  expectOk(r, 201);
  return r.body.ticket;
}

export async function callNext(h: TestHall, counterId: string, token: string): Promise<any> {
  const r = await h.api('POST', `${V1}/counters/${counterId}/call-next`, {}, token);
  expectOk(r);
  return r.body.ticket;
}

/** Calls next at the counter, then starts and finishes that ticket; returns its number. */
export async function serveNext(h: TestHall, counterId: string, token: string): Promise<string> {
  const t = await callNext(h, counterId, token);
  expectOk(await h.api('POST', `${V1}/counters/${counterId}/start`, {}, token));
  expectOk(await h.api('POST', `${V1}/counters/${counterId}/finish`, {}, token));
  return t.number;
}

/** Logs the bootstrap manager in again (after the clock moved past the 12-hour session) and stores the token. */
export async function renewManagerToken(h: TestHall): Promise<string> {
  const r = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
  expectOk(r);
  h.managerToken = r.body.token;
  return h.managerToken;
}

/** Like h.staffAt, but with the current h.managerToken (usable after renewManagerToken). */
export async function newStaffAt(h: TestHall, counterId: string, username: string): Promise<string> {
  expectOk(
    await h.api(
      'POST',
      `${V1}/staff`,
      { username, password: 'staff-password', name: `员工${counterId}`, role: 'counter' },
      h.managerToken,
    ),
    201,
  );
  const login = await h.api('POST', `${V1}/auth/login`, { username, password: 'staff-password' });
  expectOk(login);
  expectOk(await h.api('POST', `${V1}/counters/${counterId}/sign-in`, {}, login.body.token));
  return login.body.token;
}

export async function waitingCounts(h: TestHall): Promise<Record<string, number>> {
  const r = await h.api('GET', `${V1}/hall`);
  expectOk(r);
  return Object.fromEntries(r.body.services.map((s: any) => [s.id, s.waiting]));
}

export async function auditVerify(h: TestHall): Promise<{ ok: boolean; entries: number }> {
  const r = await h.api('GET', `${V1}/audit/verify`, undefined, h.managerToken);
  expectOk(r);
  return r.body;
}

/** All audit entries (pages through `next`). */
export async function auditAll(h: TestHall, query = ''): Promise<any[]> {
  const out: any[] = [];
  let after = 0;
  for (let i = 0; i < 100; i++) {
    const sep = query ? `&${query}` : '';
    const r = await h.api('GET', `${V1}/audit?limit=1000&after=${after}${sep}`, undefined, h.managerToken);
    expectOk(r);
    out.push(...r.body.entries);
    if (r.body.next === null) return out;
    after = r.body.next;
  }
  throw new Error('audit paging did not end');
}

/** Asserts that none of `secrets` appears anywhere in the JSON of `value`. */
export function expectNoneOf(value: unknown, secrets: string[]): void {
  const json = typeof value === 'string' ? value : JSON.stringify(value);
  for (const s of secrets) expect(json.includes(s), `"${s}" must not appear`).toBe(false);
}

/** A WebSocket client that keeps every message it receives. */
export interface WsReader {
  ws: WebSocket;
  messages: any[];
  /** Resolves once at least `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<any[]>;
  raw: string[];
  close(): Promise<void>;
}

export function wsUrl(h: TestHall, query = ''): string {
  return h.url.replace(/^http/, 'ws') + '/ws' + query;
}

export function openWs(h: TestHall, query = '', headers?: Record<string, string>): Promise<WsReader> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(h, query), { headers });
    const messages: any[] = [];
    const raw: string[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (data) => {
      raw.push(data.toString());
      messages.push(JSON.parse(data.toString()));
      for (const w of waiters.splice(0)) w();
    });
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`refused ${res.statusCode}`), { statusCode: res.statusCode })),
    );
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        raw,
        waitFor(count, timeoutMs = 3000) {
          return new Promise((res, rej) => {
            const deadline = setTimeout(
              () => rej(new Error(`only ${messages.length} of ${count} messages: ${raw.join('\n')}`)),
              timeoutMs,
            );
            const check = () => {
              if (messages.length >= count) {
                clearTimeout(deadline);
                res(messages);
              } else waiters.push(check);
            };
            check();
          });
        },
        close() {
          return new Promise((res) => {
            if (ws.readyState === WebSocket.CLOSED) return res();
            ws.once('close', () => res());
            ws.close();
          });
        },
      }),
    );
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
