/**
 * What an unfinished backup left in the backup folder (a crash mid-copy, a full disk: `.hallq-….sqlite.part` and
 * SQLite's journal beside it) is removed by the next backup, never listed and never pruned otherwise; a copy that may
 * still be under way (recent) is left alone.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../server/store/backup.js';
import { openDb } from '../../server/store/db.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('a backup folder with leftovers of unfinished copies', () => {
  it('loses the old ones at the next backup and keeps a recent one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-leftovers-data-'));
    const dir = mkdtempSync(join(tmpdir(), 'hallq-leftovers-backups-'));
    dirs.push(dataDir, dir);
    const old = ['.hallq-20261201T010203004Z.sqlite.part', '.hallq-20261201T010203004Z.sqlite.part-journal'];
    const recent = '.hallq-20261203T010203004Z.sqlite.part';
    const anHourAgo = Date.now() / 1000 - 3600;
    for (const name of old) {
      writeFileSync(join(dir, name), 'x'.repeat(1000));
      utimesSync(join(dir, name), anHourAgo, anHourAgo);
    }
    writeFileSync(join(dir, recent), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'the operator’s own file');
    const db = openDb(dataDir);
    try {
      const result = await backupDatabase(db, { dir, create: false }, { at: Date.now(), sameConnection: true });
      expect(existsSync(result.file)).toBe(true);
    } finally {
      db.close();
    }
    const left = readdirSync(dir);
    for (const name of old) expect(left).not.toContain(name);
    expect(left).toContain(recent);
    expect(left).toContain('notes.txt');
  });
});
