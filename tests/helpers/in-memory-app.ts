/**
 * The hall's HTTP app in memory, as hono's own tests do it: HallService and Accounts over a temp SQLite file and
 * `createApp(...)`, called through `app.request()` with no port, no broker and no live stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { inspectRoutes } from 'hono/dev';
import { loadHallFile } from '../../server/config/load-hall.js';
import type { HallFile } from '../../server/config/hall-schema.js';
import { EventBus } from '../../server/core/event-bus.js';
import { HallService } from '../../server/core/hall-service.js';
import { createApp } from '../../server/http/app.js';
import type { ApiDeps } from '../../server/http/deps.js';
import type { AppEnv } from '../../server/http/middleware/auth.js';
import { mountUi } from '../../server/http/ui-routes.js';
import { log } from '../../server/log.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import {
  Accounts,
  deviceTokenRole,
  STAFF_TOKEN_TTL_MS,
  type DeviceKind,
  type StaffRole,
  type TokenRole,
} from '../../server/store/accounts.js';
import { openDb, type Db } from '../../server/store/db.js';
import { jsonRequest, readAnswer } from './json-request.js';
import type { ApiResponse } from './test-hall.js';

export interface InMemoryApp {
  app: Hono<AppEnv>;
  hall: HallService;
  accounts: Accounts;
  db: Db;
  dataDir: string;
  /** `app.request()` with a JSON body (a string is sent as is) and an optional bearer token; the answer parsed. */
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  /** A staff account and its token, straight from the accounts store (no HTTP login, so no login throttling). */
  staff(username: string, role: StaffRole): string;
  /** Counter staff signed in at `counterId` through the API; returns the token. */
  staffAt(counterId: string, username: string): Promise<string>;
  /** A registered device and its token, straight from the accounts store. */
  device(id: string, kind: DeviceKind, extra?: { counterId?: string; kioskId?: string }): string;
  /** Another token for the same account as `token` (for calls that revoke theirs, like logout). */
  sameAccount(token: string): string;
  close(): void;
}

export interface InMemoryAppOptions {
  hallFile?: HallFile;
  clock?: () => number;
  /** Issue tickets at any hour (default), as HALLQ_HOURS=always does. */
  alwaysOpen?: boolean;
  /** Mount the screens (/kiosk, /display, ...) as the real server does (default true). */
  withUi?: boolean;
}

export function inMemoryApp(opts: InMemoryAppOptions = {}): InMemoryApp {
  log.setLevel('silent');
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-mem-'));
  const db = openDb(dataDir);
  const hall = new HallService({
    hallFile: opts.hallFile ?? loadHallFile(),
    db,
    secret: HallSecret.loadOrCreate(dataDir),
    bus: new EventBus(),
    alwaysOpen: opts.alwaysOpen ?? true,
    clock: opts.clock,
  });
  hall.rebuild();
  hall.startDayIfNeeded();
  const accounts = new Accounts(db);
  const deps: ApiDeps = { hall, accounts, publicUrl: 'http://hall.test', version: 'test' };
  const app = createApp(deps, db, opts.withUi === false ? undefined : (a) => mountUi(a, deps));

  async function api<T>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return readAnswer<T>(await app.request(path, jsonRequest(method, body, token, headers)));
  }

  const now = () => hall.clock();
  const staff = (username: string, role: StaffRole) => {
    const user = accounts.createUser({ username, password: 'staff-password', name: username, role }, now());
    return accounts.issueToken({ kind: 'user', id: user.id, role }, now(), STAFF_TOKEN_TTL_MS).token;
  };

  return {
    app,
    hall,
    accounts,
    db,
    dataDir,
    api,
    staff,
    async staffAt(counterId, username) {
      const token = staff(username, 'counter');
      const r = await api('POST', `/api/v1/counters/${counterId}/sign-in`, {}, token);
      if (r.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(r.body)}`);
      return token;
    },
    device(id, kind, extra = {}) {
      accounts.createDevice({ id, kind, ...extra }, now());
      return accounts.issueToken({ kind: 'device', id, role: deviceTokenRole(kind) }, now()).token;
    },
    sameAccount(token) {
      const p = accounts.principal(token, now());
      if (!p) throw new Error('sameAccount: unknown token');
      return accounts.issueToken(
        { kind: p.kind, id: p.id, role: p.role },
        now(),
        p.kind === 'user' ? STAFF_TOKEN_TTL_MS : undefined,
      ).token;
    },
    close() {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The routes an app answers (method and path as registered), without its middleware. */
export function handlerRoutes(app: Hono<AppEnv>): Array<{ method: string; path: string }> {
  return inspectRoutes(app)
    .filter((r) => !r.isMiddleware)
    .map(({ method, path }) => ({ method, path }));
}

/**
 * One token for each role: a manager, counter staff signed in at counter 1, and one device of each kind's role (the
 * pad at counter 1, the printer for kiosk-1).
 */
export async function tokensForEveryRole(m: InMemoryApp): Promise<Record<TokenRole, string>> {
  return {
    manager: m.staff('boss', 'manager'),
    counter: await m.staffAt('1', 'alice'),
    kiosk: m.device('kiosk-1', 'kiosk'),
    display: m.device('board-1', 'display'),
    pad: m.device('pad-1', 'pad', { counterId: '1' }),
    integration: m.device('booking-1', 'integration'),
    device: m.device('printer-1', 'printer', { kioskId: 'kiosk-1' }),
  };
}
