/** Runs Debian's `nats-server` (JetStream on, one node or a cluster) on free ports, for the city's tests and bench. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { freePort, makeTempDir, sleep } from './hall-process.js';

export const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export interface NatsNode {
  name: string;
  port: number;
  /** nats://127.0.0.1:<port> */
  url: string;
  /** Starts it again on the same ports and store (after `kill`). */
  restart(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

export interface NatsOptions {
  /** Where clients may connect (default 127.0.0.1; 0.0.0.0 to reach it from network namespaces). */
  host?: string;
  /** Extra configuration (accounts, authorization), appended to each server's file. */
  extraConfig?: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Starts `size` JetStream servers routed into one cluster (or a lone server for size 1), ready for clients. */
export async function startNatsCluster(size: number, opts: NatsOptions = {}): Promise<NatsNode[]> {
  const dir = makeTempDir('hallq-nats-');
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const routePorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const nodes = ports.map((port, i) => {
    const name = `city-${i + 1}`;
    const routes = routePorts.filter((_, j) => j !== i).map((p) => `nats-route://127.0.0.1:${p}`);
    const conf = join(dir, `${name}.conf`);
    writeFileSync(
      conf,
      [
        `server_name: ${name}`,
        `listen: "${opts.host ?? '127.0.0.1'}:${port}"`,
        // The city's streams reserve their max_bytes (1 GiB + 64 MiB by default, docs/city.md): room for both.
        `jetstream { store_dir: "${join(dir, name)}", max_mem_store: 64MB, max_file_store: 4GB }`,
        size > 1
          ? `cluster { name: city, listen: "127.0.0.1:${routePorts[i]}", routes: [${routes.map((r) => `"${r}"`).join(', ')}], no_advertise: true }`
          : '',
        opts.extraConfig ?? '',
      ].join('\n'),
    );
    return startNode(name, port, conf);
  });
  return Promise.all(nodes);
}

async function startNode(name: string, port: number, conf: string): Promise<NatsNode> {
  let child: ChildProcess | undefined;
  let tail = '';
  const launch = async () => {
    const c = spawn(NATS_SERVER, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    running.add(c);
    c.once('exit', () => running.delete(c));
    const keep = (b: Buffer) => (tail = (tail + b.toString()).slice(-8192));
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    const deadline = Date.now() + 15_000;
    while (!(await listening(port))) {
      if (c.exitCode !== null) throw new Error(`nats-server ${name} exited:\n${tail}`);
      if (Date.now() > deadline) throw new Error(`nats-server ${name} not listening:\n${tail}`);
      await sleep(50);
    }
  };
  await launch();
  return {
    name,
    port,
    url: `nats://127.0.0.1:${port}`,
    restart: launch,
    async kill(signal = 'SIGKILL') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill(signal);
      await gone;
    },
    output: () => tail,
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
