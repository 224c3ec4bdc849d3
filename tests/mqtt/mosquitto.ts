/** Runs a real Mosquitto (Debian's) for tests, with HallQ's generated password and ACL files. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { configFragment } from '../../server/mqtt/mosquitto-files.js';

export const MOSQUITTO_BIN = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, up: boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto port ${port} did not become ${up ? 'open' : 'closed'}`);
}

export class Mosquitto {
  private child?: ChildProcess;
  readonly confPath: string;

  constructor(
    readonly filesDir: string,
    readonly port: number,
  ) {
    this.confPath = join(filesDir, 'test-mosquitto.conf');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (!MOSQUITTO_BIN) throw new Error('mosquitto is not installed (scripts/test.sh installs it from Debian)');
    // As root, Mosquitto would drop to its own user, which can't enter the test's private temp folder.
    const asUser = process.getuid?.() === 0 ? 'user root\n' : '';
    writeFileSync(this.confPath, configFragment(this.filesDir, this.port) + asUser);
    this.child = spawn(MOSQUITTO_BIN, ['-c', this.confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', () => {});
    await waitForPort(this.port, true);
  }

  async stop(): Promise<void> {
    const c = this.child;
    // Gone already (an exit code, or killed by a signal): 'exit' will not come again.
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      // A broker that ignores SIGTERM for 5 s is killed: a test's clean-up must not hang on it.
      const hard = setTimeout(() => c.kill('SIGKILL'), 5000);
      c.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      c.kill('SIGTERM');
    });
    this.child = undefined;
    await waitForPort(this.port, false);
  }

  reloadCommand(): string {
    return `kill -HUP ${this.child?.pid}`;
  }
}
