// Runs each command id once: a resent command gets the first run's ack again. Recent successes persist in a JSON file.
import type { AckPayload } from '../../devices/protocol/mqtt-topics.js';
import { readJsonFile, writeJsonFile } from '../util/json-file.js';

interface CommandLogFile {
  version: 1;
  done: AckPayload[];
}

export class CommandLog {
  private readonly done = new Map<string, AckPayload>();
  private readonly running = new Map<string, Promise<AckPayload>>();

  /** `file` undefined = memory only. Remembers the last `limit` results. */
  constructor(
    private readonly file: string | undefined,
    private readonly limit = 500,
  ) {
    if (!file) return;
    const saved = readJsonFile<CommandLogFile>(file, { version: 1, done: [] });
    for (const ack of Array.isArray(saved.done) ? saved.done : []) if (ack?.id) this.done.set(ack.id, ack);
  }

  /**
   * `execute` runs only for an id not seen before; a repeat while it runs, or after it succeeded, resolves to the same
   * ack. The ack is `{id, ok: true}` when `execute` resolves, `{id, ok: false, error: message}` when it throws; a
   * failed id is forgotten, so resending it (same id) tries again.
   * @example const ack = await log.run(cmd.id, () => printer.print(cmd))
   */
  run(id: string, execute: () => Promise<void>): Promise<AckPayload> {
    const known = this.done.get(id) ?? this.running.get(id);
    if (known) return Promise.resolve(known);
    const result = Promise.resolve()
      .then(execute)
      .then(
        (): AckPayload => ({ id, ok: true }),
        (err: unknown): AckPayload => ({ id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      )
      .then((ack) => {
        this.running.delete(id);
        if (ack.ok) this.remember(ack);
        return ack;
      });
    this.running.set(id, result);
    return result;
  }

  private remember(ack: AckPayload): void {
    this.done.set(ack.id, ack);
    while (this.done.size > this.limit) this.done.delete(this.done.keys().next().value as string);
    if (!this.file) return;
    try {
      writeJsonFile(this.file, { version: 1, done: [...this.done.values()] } satisfies CommandLogFile);
    } catch {
      // Memory still dedupes; only a bridge restart would forget these ids.
    }
  }
}
