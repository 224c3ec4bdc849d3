// Events not yet acknowledged by the broker (QoS 1 PUBACK), kept in a JSON file so they survive a bridge restart.
import type { Logger } from '../util/log.js';
import { readJsonFile, writeJsonFile } from '../util/json-file.js';

export interface OutboxEntry {
  /** The event's own `id` (also inside `payload`). */
  id: string;
  topic: string;
  /** The JSON text to publish. */
  payload: string;
}

interface OutboxFile {
  version: 1;
  entries: OutboxEntry[];
}

export class Outbox {
  private entries: OutboxEntry[];

  /** Loads `file` if it exists. At most `limit` entries are kept; the oldest go first. */
  constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly limit = 1_000,
  ) {
    const saved = readJsonFile<OutboxFile>(file, { version: 1, entries: [] });
    this.entries = Array.isArray(saved.entries)
      ? saved.entries.filter((e) => e && e.id && e.topic && typeof e.payload === 'string')
      : [];
    if (this.entries.length) log.info(`outbox: ${this.entries.length} event(s) from a previous run to resend`);
  }

  /** Oldest first. */
  list(): readonly OutboxEntry[] {
    return this.entries;
  }

  add(entry: OutboxEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) {
      const dropped = this.entries.splice(0, this.entries.length - this.limit);
      this.log.warn(`outbox full: dropped ${dropped.length} oldest event(s)`);
    }
    this.save();
  }

  /** Drops the entries `keep` refuses, with `why` in the log (each is named by its topic). */
  dropUnless(keep: (entry: OutboxEntry) => boolean, why: string): void {
    const dropped = this.entries.filter((e) => !keep(e));
    if (dropped.length === 0) return;
    this.entries = this.entries.filter(keep);
    for (const e of dropped) this.log.warn(`outbox: dropped event ${e.id} on ${e.topic} unsent: ${why}`);
    this.save();
  }

  remove(id: string): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    if (this.entries.length !== before) this.save();
  }

  /** A failed write (disk full, read-only) is logged; the entries stay in memory and are still sent. */
  private save(): void {
    try {
      writeJsonFile(this.file, { version: 1, entries: this.entries } satisfies OutboxFile);
    } catch (err) {
      this.log.error(`outbox: cannot save ${this.file}: ${(err as Error).message}`);
    }
  }
}
