/**
 * The connection guard's trusted addresses, kept across restarts (migration 6). Written at most once an hour per
 * address: a valid token on every request must not cost a write each.
 */
import { log } from '../log.js';
import type { Db } from './db.js';

const REWRITE_AFTER_MS = 60 * 60_000;

export class TrustedAddresses {
  private readonly saved = new Map<string, number>();
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      load: db.prepare('SELECT address, until FROM trusted_addresses WHERE until > ? ORDER BY until DESC LIMIT ?'),
      prune: db.prepare('DELETE FROM trusted_addresses WHERE until <= ?'),
      save: db.prepare(
        'INSERT INTO trusted_addresses (address, until) VALUES (?, ?) ON CONFLICT (address) DO UPDATE SET until = excluded.until',
      ),
      forget: db.prepare('DELETE FROM trusted_addresses WHERE address = ?'),
    };
  }

  /** The addresses still trusted at `now`, the latest first, at most `limit`; the expired ones are dropped. */
  load(now: number, limit: number): Array<[address: string, until: number]> {
    this.stmts.prune.run(now);
    const rows = this.stmts.load.all(now, limit) as Array<{ address: string; until: number }>;
    for (const r of rows) this.saved.set(r.address, r.until);
    return rows.map((r) => [r.address, r.until]);
  }

  save(address: string, until: number): void {
    const before = this.saved.get(address);
    if (before !== undefined && until - before < REWRITE_AFTER_MS) return;
    this.saved.set(address, until);
    this.write(() => this.stmts.save.run(address, until));
  }

  forget(address: string): void {
    if (!this.saved.delete(address)) return;
    this.write(() => this.stmts.forget.run(address));
  }

  /** A disk that refuses the write (full, read-only) costs the hall only this memory across a restart. */
  private write(run: () => unknown): void {
    try {
      run();
    } catch (err) {
      log.debug('trusted address not kept', { error: (err as Error).message });
    }
  }
}
