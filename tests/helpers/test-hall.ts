/** Starts a real hall server in-process on an ephemeral port with a fresh SQLite folder, and a small API client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnv } from '../../server/config/env.js';
import type { HallFile } from '../../server/config/hall-schema.js';
import { loadHallFile } from '../../server/config/load-hall.js';
import { startHallServer, type RunningHall } from '../../server/app/hall-server.js';
import { log } from '../../server/log.js';
import { jsonRequest, readAnswer } from './json-request.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export interface TestHall {
  running: RunningHall;
  url: string;
  dataDir: string;
  managerToken: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<ApiResponse<T>>;
  /** Creates a counter staff member, logs them in and signs them in to `counterId`. Returns their token. */
  staffAt(counterId: string, username?: string): Promise<string>;
  /** Registers a device and returns its token and MQTT credentials. */
  device(
    id: string,
    kind: string,
    extra?: Record<string, string>,
  ): Promise<{ token: string; mqtt: { username: string; password: string } }>;
  stop(): Promise<void>;
}

export async function startTestHall(
  opts: {
    hours?: 'always' | 'file';
    hallFile?: HallFile;
    clock?: () => number;
    dataDir?: string;
    env?: Record<string, string>;
    /** Skip the manager's login (a hall started on a full disk refuses logins, which are audited): no managerToken. */
    noLogin?: boolean;
    /**
     * The hall's `kioskTicketsWithoutIdPerMinute` (6 in the reference hall; 0 = no limit), for tests that issue many
     * numbers without an ID from one kiosk in a frozen minute; the limit itself is tested in tests/api/no-id-limit.test.ts.
     */
    kioskTicketsWithoutIdPerMinute?: number;
  } = {},
): Promise<TestHall> {
  log.setLevel('silent');
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hallq-test-'));
  const env = readEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MQTT_PORT: '0',
    HALLQ_HOURS: opts.hours ?? 'always',
    HALLQ_BOOTSTRAP_MANAGER: 'boss:boss-password',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const perMinute = opts.kioskTicketsWithoutIdPerMinute;
  const base = perMinute !== undefined ? (opts.hallFile ?? loadHallFile()) : opts.hallFile;
  const hallFile = base && perMinute !== undefined ? withNoIdLimit(base, perMinute) : base;
  const running = await startHallServer(env, { hallFile, clock: opts.clock });
  const url = running.url;

  async function api<T>(method: string, path: string, body?: unknown, token?: string): Promise<ApiResponse<T>> {
    return readAnswer<T>(await fetch(url + path, jsonRequest(method, body, token)));
  }

  let managerToken = '';
  if (!opts.noLogin) {
    const login = await api<{ token: string }>('POST', '/api/v1/auth/login', {
      username: 'boss',
      password: 'boss-password',
    });
    if (login.status !== 200) throw new Error(`manager login failed: ${JSON.stringify(login.body)}`);
    managerToken = login.body.token;
  }
  let staffCount = 0;

  return {
    running,
    url,
    dataDir,
    managerToken,
    api,
    async staffAt(counterId, username) {
      const name = username ?? `staff${++staffCount}-${counterId}`;
      const created = await api(
        'POST',
        '/api/v1/staff',
        { username: name, password: 'staff-password', name: `员工${counterId}`, role: 'counter' },
        managerToken,
      );
      if (created.status !== 201) throw new Error(`create staff failed: ${JSON.stringify(created.body)}`);
      const token = (
        await api<{ token: string }>('POST', '/api/v1/auth/login', { username: name, password: 'staff-password' })
      ).body.token;
      const signIn = await api('POST', `/api/v1/counters/${counterId}/sign-in`, {}, token);
      if (signIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signIn.body)}`);
      return token;
    },
    async device(id, kind, extra) {
      const r = await api('POST', '/api/v1/devices', { id, kind, ...extra }, managerToken);
      if (r.status !== 201) throw new Error(`register device failed: ${JSON.stringify(r.body)}`);
      return r.body as { token: string; mqtt: { username: string; password: string } };
    },
    async stop() {
      await running.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Valid resident ID numbers for tests: a birth date and a serial give a number with the right check digit. */
export { makeIdNumber } from './id-numbers.js';

function withNoIdLimit(file: HallFile, perMinute: number): HallFile {
  return { ...file, policy: { ...file.policy, kioskTicketsWithoutIdPerMinute: perMinute } };
}
