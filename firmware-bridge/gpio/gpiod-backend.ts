// GPIO through Debian's gpiod tools: one gpiomon per input (restarted if it dies), one holding gpioset per output.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Logger } from '../util/log.js';
import { SerialQueue } from '../util/serial-queue.js';
import { runProgram } from '../util/spawn.js';
import {
  edgeMatches,
  type Bias,
  type Edge,
  type GpioBackend,
  type GpioOutput,
  type Level,
  type Watch,
} from './backend.js';
import {
  gpiogetArgs,
  gpiomonArgs,
  gpiosetArgs,
  levelAfter,
  parseGpiodVersion,
  parseGpiogetOutput,
  parseGpiomonLine,
  type GpiodVersion,
} from './gpiod-parse.js';

const RESTART_MS = 2_000;

/** Asks `gpiomon --version` which CLI generation is installed. */
export async function detectGpiodVersion(): Promise<GpiodVersion | null> {
  try {
    const r = await runProgram('gpiomon', ['--version'], 3_000);
    return parseGpiodVersion(r.stdout + r.stderr);
  } catch {
    return null;
  }
}

export class GpiodBackend implements GpioBackend {
  readonly name = 'gpiod';
  private readonly children = new Set<ChildProcess>();
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly chip: string,
    private readonly version: GpiodVersion,
    private readonly log: Logger,
  ) {}

  input(
    pin: number,
    edge: Edge,
    onChange: (value: Level, fromEdge?: boolean) => void,
    options: { bias?: Bias } = {},
  ): Watch {
    let closed = false;
    let child: ChildProcess | undefined;
    let retry: NodeJS.Timeout | undefined;

    const run = async () => {
      // Read the level first: v2 refuses gpioget on a line gpiomon already holds.
      const got = await runProgram('gpioget', gpiogetArgs(this.version, this.chip, pin, options.bias), 3_000).catch(
        () => undefined,
      );
      const initial = got ? parseGpiogetOutput(got.stdout) : null;
      if (closed) return;
      if (initial !== null) onChange(initial, false);
      else this.log.warn(`gpioget ${this.chip} ${pin}: no level (${got?.stderr.trim() || 'failed'})`);

      child = this.spawn('gpiomon', gpiomonArgs(this.version, this.chip, pin, options.bias));
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const event = parseGpiomonLine(line);
        if (!event) return;
        const value = levelAfter(event.edge);
        if (edgeMatches(edge, value)) onChange(value, true);
      });
      child.on('close', (code) => {
        if (closed) return;
        this.log.warn(`gpiomon ${this.chip} ${pin} exited (${code}); restarting in ${RESTART_MS} ms`);
        retry = setTimeout(() => void run(), RESTART_MS);
      });
    };
    void run();

    const close = () => {
      closed = true;
      clearTimeout(retry);
      child?.kill('SIGTERM');
      this.closers.delete(close);
    };
    this.closers.add(close);
    return { close };
  }

  output(pin: number, initial: Level = 0): GpioOutput {
    let holder: ChildProcess | undefined;
    const queue = new SerialQueue();
    const set = async (value: Level) => {
      const previous = holder;
      if (previous && previous.exitCode === null && previous.signalCode === null) {
        const gone = new Promise((resolve) => previous.once('close', resolve));
        previous.kill('SIGTERM');
        await gone;
      }
      holder = this.spawn('gpioset', gpiosetArgs(this.version, this.chip, pin, value));
      const failed = await new Promise<string | null>((resolve) => {
        holder!.once('error', (err) => resolve(err.message));
        holder!.once('close', (code) => resolve(`gpioset exited (${code})`));
        setTimeout(() => resolve(null), 200); // still running: it holds the value
      });
      if (failed) throw new Error(`gpio ${pin}: ${failed}`);
    };
    const write = (value: Level) => queue.run(() => set(value));
    write(initial).catch((err: Error) => this.log.warn(err.message));
    return { write };
  }

  async close(): Promise<void> {
    for (const close of [...this.closers]) close();
    for (const child of this.children) child.kill('SIGTERM');
  }

  private spawn(cmd: string, args: string[]): ChildProcess {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('error', (err) => this.log.warn(`${cmd}: ${err.message}`));
    child.on('close', () => this.children.delete(child));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => this.log.debug(`${cmd}: ${d.trim()}`));
    return child;
  }
}
