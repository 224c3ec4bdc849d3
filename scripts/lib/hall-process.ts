/** Runs the built server (`node dist/bundle/main.js`, as `npm start`) as a child process on a free 127.0.0.1 port, with a small API client. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest, type AgentOptions } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../server/config/project-root.js';

/** The entry point `npm start` runs, relative to the project root: the server's bundle (scripts/bundle-server.ts). */
export const SERVER_ENTRY = join('dist', 'bundle', 'main.js');

/** The same server as tsc builds it, a file per module: what a CPU profile runs, so that the profile names files. */
export const MODULE_ENTRY = join('dist', 'server', 'main.js');

/** How to start the server profiled into `dir` (`node --cpu-prof`), or as `npm start` runs it when there is none. */
export function profiledStart(dir: string | undefined): { entry?: string; nodeArgs: string[] } {
  const { nodeArgs } = startCommand();
  return dir ? { entry: MODULE_ENTRY, nodeArgs: [...nodeArgs, '--cpu-prof', `--cpu-prof-dir=${dir}`] } : { nodeArgs };
}

/**
 * How `npm start` runs the server, read from package.json's "start" (`NAME=value … node <flags> dist/bundle/main.js`),
 * so the benchmarks and crash tests measure the server exactly as a hall starts it.
 */
export function startCommand(script = readStartScript()): { env: Record<string, string>; nodeArgs: string[] } {
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i]); i++) {
    const eq = words[i].indexOf('=');
    env[words[i].slice(0, eq)] = words[i].slice(eq + 1);
  }
  if (words[i] !== 'node' || words[words.length - 1] !== SERVER_ENTRY.split('\\').join('/')) {
    throw new Error(`package.json "start" is not "[NAME=value …] node [flags] ${SERVER_ENTRY}": ${script}`);
  }
  return { env, nodeArgs: words.slice(i + 1, -1) };
}

function readStartScript(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start;
}

export const BOOTSTRAP_MANAGER = { username: 'boss', password: 'boss-password' };

/** Builds dist/ (tsc, then the server's bundle) when the server entry is missing (a stale dist/ is the caller's business). */
export function ensureBuilt(): void {
  const root = projectRoot();
  if (existsSync(join(root, SERVER_ENTRY))) return;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const steps = [[tsc, '-p', 'tsconfig.json'], [join(root, 'dist', 'scripts', 'bundle-server.js')]];
  for (const args of steps) {
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', timeout: 180_000 });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed`);
  }
  if (!existsSync(join(root, SERVER_ENTRY))) throw new Error(`the build made no ${SERVER_ENTRY}`);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedServer {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<ChildExit>;
  /** Last few KB of the child's stdout and stderr, for failure messages. */
  output(): string;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<ChildExit>;
  /** SIGTERM (a clean shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<ChildExit>;
}

export interface SpawnOptions {
  /** Script to run, relative to the project root or absolute. */
  entry: string;
  /** Extra node arguments before the script (e.g. a loader). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Path answered with 200 once the process is ready. */
  readyPath?: string;
  /** Working folder of the process (default: the project root), e.g. an installed copy. */
  cwd?: string;
  /**
   * A command the node process runs under, e.g. `['ip', 'netns', 'exec', 'site-1']` (a network namespace) or
   * `['taskset', '-c', '0']` (pinned to one core).
   */
  launcher?: string[];
  /** The address it listens on and is reached at (default 127.0.0.1). */
  host?: string;
  /** The variable that tells it its port (default PORT; the city process reads CITY_PORT). */
  portEnv?: string;
}

const OUTPUT_TAIL = 8192;

/** Children still running and temp folders not yet removed: cleaned up when this process exits, however it exits. */
const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  });
}
function track(child: ChildProcess): void {
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** A fresh folder under the OS temp dir, removed by `removeTempDir` or at exit at the latest. */
export function makeTempDir(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Ends this process (children and temp folders cleaned up by the exit hook) if it is still running after `ms`. */
export function watchdog(ms: number, what: string): void {
  installExitHook();
  setTimeout(() => {
    process.stderr.write(`${what} did not finish within ${Math.round(ms / 1000)} s: stopping\n`);
    process.exit(2);
  }, ms).unref();
}

/** Spawns a Node process that listens on `PORT` (given to it) and waits until `readyPath` answers 200. */
export async function spawnServer(opts: SpawnOptions): Promise<SpawnedServer> {
  let lastError: Error | undefined;
  // A port picked free can be taken by someone else before the child binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnOnce(opts, await freePort());
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError!;
}

async function spawnOnce(opts: SpawnOptions, port: number): Promise<SpawnedServer> {
  const [command, ...before] = opts.launcher ?? [process.execPath];
  const nodeArgs = [...(opts.launcher ? [process.execPath] : []), ...(opts.nodeArgs ?? []), opts.entry];
  const host = opts.host ?? '127.0.0.1';
  const child = spawn(command, [...before, ...nodeArgs], {
    cwd: opts.cwd ?? projectRoot(),
    env: { ...process.env, [opts.portEnv ?? 'PORT']: String(port), HOST: host, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitInfo: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (err) => {
      tail += `\n[spawn error] ${err.message}`;
      exitInfo ??= { code: null, signal: null };
      resolve(exitInfo);
    });
  });
  const url = `http://${host}:${port}`;
  const server: SpawnedServer = {
    child,
    pid: child.pid ?? -1,
    port,
    url,
    exited,
    output: () => tail,
    async kill(signal = 'SIGKILL') {
      if (exitInfo) return exitInfo;
      child.kill(signal);
      return exited;
    },
    async stop(graceMs = 10_000) {
      if (exitInfo) return exitInfo;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  const readyUrl = url + (opts.readyPath ?? '/healthz');
  while (Date.now() < deadline) {
    if (exitInfo) throw new Error(`${opts.entry} exited before it was ready (${JSON.stringify(exitInfo)}):\n${tail}`);
    try {
      const res = await fetch(readyUrl, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch {
      /* not listening yet */
    }
    await sleep(20);
  }
  await server.kill('SIGKILL');
  throw new Error(`${opts.entry} was not ready within ${opts.readyTimeoutMs ?? 20_000} ms:\n${tail}`);
}

/**
 * Starts the real hall server on `dataDir`: hall open around the clock, the bootstrap manager `boss`, the embedded MQTT
 * broker on a free port, warnings only.
 */
export function startHallProcess(
  dataDir: string,
  opts: {
    env?: Record<string, string>;
    nodeArgs?: string[];
    launcher?: string[];
    host?: string;
    readyTimeoutMs?: number;
    /** Another build's server to run instead of dist/ (a before/after comparison in one bench run). */
    entry?: string;
  } = {},
): Promise<SpawnedServer> {
  ensureBuilt();
  const inherited = { ...process.env };
  // The contract's own variables come from here, never from the caller's shell.
  for (const k of ['HALL_CONFIG', 'MQTT_URL', 'HALLQ_PUBLIC_URL']) delete inherited[k];
  return spawnServer({
    entry: opts.entry ?? SERVER_ENTRY,
    nodeArgs: opts.nodeArgs ?? startCommand().nodeArgs,
    launcher: opts.launcher,
    host: opts.host,
    readyTimeoutMs: opts.readyTimeoutMs,
    env: {
      ...(inherited as Record<string, string>),
      DATA_DIR: dataDir,
      HALLQ_HOURS: 'always',
      HALLQ_BOOTSTRAP_MANAGER: `${BOOTSTRAP_MANAGER.username}:${BOOTSTRAP_MANAGER.password}`,
      MQTT_PORT: '0',
      LOG_LEVEL: 'warn',
      ...startCommand().env,
      ...opts.env,
    },
  });
}

/** Fields of /proc/<pid>/status in bytes (Linux), each undefined when missing; all undefined elsewhere. */
function statusBytes<K extends string>(pid: number, names: K[]): Record<K, number | undefined> {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    /* not Linux, or the process is gone */
  }
  const out = {} as Record<K, number | undefined>;
  for (const name of names) {
    const kb = status.match(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm'))?.[1];
    out[name] = kb === undefined ? undefined : Number(kb) * 1024;
  }
  return out;
}

/** Resident set size of a process in bytes (Linux /proc), or undefined elsewhere. */
export function rssBytes(pid: number): number | undefined {
  return statusBytes(pid, ['VmRSS']).VmRSS;
}

/**
 * The two parts of a process's RSS (Linux /proc): anonymous memory (heaps, stacks, buffers: the process's own) and
 * pages of mapped files (the node binary with its ICU data, shared libraries, native addons: clean, and shared with
 * any other process that maps the same file). Undefined elsewhere.
 */
export function rssParts(pid: number): { anon: number; file: number } | undefined {
  const { RssAnon, RssFile, RssShmem } = statusBytes(pid, ['RssAnon', 'RssFile', 'RssShmem']);
  if (RssAnon === undefined || RssFile === undefined) return undefined;
  return { anon: RssAnon, file: RssFile + (RssShmem ?? 0) };
}

/** User + system CPU time of a process so far (Linux /proc; clock ticks of 10 ms), NaN elsewhere. */
export function cpuTimeMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export type Api = <T = any>(method: string, path: string, body?: unknown, token?: string) => Promise<ApiResponse<T>>;

/**
 * A JSON client for one server over keep-alive connections (node:http: less client CPU than fetch, which matters when
 * the load generator shares two cores with the server). Rejects only when there is no HTTP answer: refused, reset,
 * timed out.
 */
export function apiClient(
  baseUrl: string,
  timeoutMs = 10_000,
  agentOptions: AgentOptions = {},
): Api & { close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, ...agentOptions });
  const base = new URL(baseUrl);
  const api = <T>(method: string, path: string, body?: unknown, token?: string) =>
    new Promise<ApiResponse<T>>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      if (token) headers.authorization = `Bearer ${token}`;
      const req = httpRequest({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  return Object.assign(api, { close: () => agent.destroy() });
}

/** Logs in and returns the token, or throws with the server's answer. */
export async function login(api: Api, username: string, password: string): Promise<string> {
  const r = await api<{ token: string }>('POST', '/api/v1/auth/login', { username, password });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** Creates counter staff `username`, logs them in and signs them in at `counterId`; returns their token. */
export async function staffAt(api: Api, managerToken: string, counterId: string, username: string): Promise<string> {
  const created = await api(
    'POST',
    '/api/v1/staff',
    { username, password: 'staff-password', name: `员工${counterId}`, role: 'counter' },
    managerToken,
  );
  if (created.status !== 201)
    throw new Error(`create staff ${username} failed: ${created.status} ${JSON.stringify(created.body)}`);
  const token = await login(api, username, 'staff-password');
  const signIn = await api('POST', `/api/v1/counters/${counterId}/sign-in`, {}, token);
  if (signIn.status !== 200)
    throw new Error(`sign-in at ${counterId} failed: ${signIn.status} ${JSON.stringify(signIn.body)}`);
  return token;
}

/** Registers a device and returns its API token. */
export async function deviceToken(api: Api, managerToken: string, id: string, kind: string): Promise<string> {
  const r = await api<{ token: string }>('POST', '/api/v1/devices', { id, kind }, managerToken);
  if (r.status !== 201) throw new Error(`register ${kind} ${id} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
