/**
 * The hall's connection keeps a bounded page cache: a read across the whole history (the chain check, a report over
 * a year) leaves at most PAGE_CACHE_KIB of pages behind, not better-sqlite3's 16 MB. Measured as the growth of this
 * worker's anonymous memory (vitest runs each file in a process of its own), beside a connection that keeps the
 * 16 MB default, so that the measure is shown able to see the difference.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { rssParts } from '../../scripts/lib/hall-process.js';
import { DB_FILE, openDb, PAGE_CACHE_KIB, type Db } from '../../server/store/db.js';
import { tempDbPerTest } from '../helpers/temp-db.js';

const MB = 1024 * 1024;
const HISTORY_MB = 24;

/** Writes ~HISTORY_MB of rows in one transaction. */
function fillHistory(db: Db): void {
  db.exec('CREATE TABLE history (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO history (data) VALUES (?)');
  const row = 'x'.repeat(1000);
  db.transaction(() => {
    for (let i = 0; i < HISTORY_MB * 1024; i++) insert.run(row);
  })();
}

/** Growth of this process's anonymous memory while SQLite reads every page of the history (no rows reach JS). */
function anonGrowthOfFullRead(db: Db): number {
  const before = rssParts(process.pid)!.anon;
  const total = db.prepare('SELECT sum(length(data)) FROM history').pluck().get() as number;
  expect(total).toBe(HISTORY_MB * 1024 * 1000);
  return rssParts(process.pid)!.anon - before;
}

describe('the page cache of the hall’s connection', () => {
  const t = tempDbPerTest('hallq-page-cache-');

  it('is set to PAGE_CACHE_KIB', () => {
    expect(t.db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
  });

  it('is set to PAGE_CACHE_KIB on a read-only connection too (audit-verify and backup read the whole log)', () => {
    const readonly = openDb(t.dir, { readonly: true });
    try {
      expect(readonly.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    } finally {
      readonly.close();
    }
  });

  // rssParts reads /proc: Linux only, as the hall's boxes are.
  it.skipIf(process.platform !== 'linux')(
    'holds at most a few MB after a read of the whole history, where the default would keep 16 MB',
    () => {
      fillHistory(t.db);
      t.db.pragma('wal_checkpoint(TRUNCATE)');
      // A fresh connection for each read, so that neither starts with pages the fill left behind.
      const bounded = openDb(t.dir);
      const boundedGrowth = anonGrowthOfFullRead(bounded);
      bounded.close();
      const unbounded = new Database(join(t.dir, DB_FILE));
      expect(
        unbounded.pragma('cache_size', { simple: true }),
        'better-sqlite3 no longer builds SQLite with a 16 MB cache: this comparison needs another unbounded connection',
      ).toBe(-16000);
      const unboundedGrowth = anonGrowthOfFullRead(unbounded);
      unbounded.close();
      expect(boundedGrowth).toBeLessThan(PAGE_CACHE_KIB * 1024 + 4 * MB);
      expect(unboundedGrowth).toBeGreaterThan(10 * MB);
    },
  );
});
