/**
 * Backups (seed §20): `npm run backup` and the hall's own copy taken while tickets are issued through the real HTTP
 * server restore into halls whose audit chain verifies; a restore refuses a running server, an altered copy and a
 * missing secret, changing nothing; the nightly copies keep the newest N; a failing folder is an alert.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_FILE } from '../../server/security/hall-secret.js';
import { DB_FILE } from '../../server/store/db.js';
import { auditAll, expectError, expectOk, manualClock, V1 } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';

const dirs: string[] = [];
function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `hallq-${name}-`));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs a script with tsx, asynchronously: the in-process server keeps serving meanwhile. */
function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const backupCli = (dataDir: string, dir: string) => runScript('scripts/backup.ts', [dir], { DATA_DIR: dataDir });
/** Issues one query ticket as the manager; its number. */
const take = async (hall: TestHall): Promise<string> =>
  (await hall.api('POST', `${V1}/tickets`, { serviceId: 'query' }, hall.managerToken)).body.ticket.number;

const restoreCli = (dataDir: string, file: string, env: Record<string, string> = {}) =>
  runScript('scripts/restore.ts', [file], { DATA_DIR: dataDir, ...env });

/** Issues tickets from `workers` loops until `stop()`; returns the count. */
function issueUntilStopped(h: TestHall, workers = 4) {
  let stopped = false;
  let issued = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, h.managerToken);
      expectOk(r, 201);
      issued++;
    }
  });
  return {
    issuedSoFar: () => issued,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return issued;
    },
  };
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function issuedIn(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare("SELECT number FROM tickets WHERE service_id = 'query' ORDER BY issued_at, number")
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

describe('backup under load, then restore', () => {
  it('both copies restore into halls whose audit chain verifies', { timeout: 180_000 }, async () => {
    const dataDir = tempDir('live');
    const cliDir = tempDir('usb');
    const h = await startTestHall({ dataDir });
    const load = issueUntilStopped(h);
    await until(() => load.issuedSoFar() >= 30, 'the first tickets');
    const [cli, own] = await Promise.all([
      backupCli(dataDir, cliDir),
      h.api('POST', `${V1}/backups`, undefined, h.managerToken),
    ]);
    const afterBackups = load.issuedSoFar();
    await until(() => load.issuedSoFar() >= afterBackups + 20, 'tickets after the backups');
    const total = await load.stop();
    expect(cli.status, cli.stderr).toBe(0);
    expectOk(own, 201);
    const status = (await h.api('GET', `${V1}/backups`, undefined, h.managerToken)).body;
    expect(own.body.backup.at).toBe(status.lastSuccess.at); // the same backup, the same ISO 8601 time
    await h.stop();

    const cliFile = join(cliDir, readdirSync(cliDir)[0]);
    const ownFile = join(dataDir, 'backups', own.body.backup.name);
    expect(readdirSync(cliDir)).toEqual([expect.stringMatching(/^hallq-\d{8}T\d{9}Z\.sqlite$/)]);
    for (const f of [cliFile, ownFile]) expect(statSync(f).mode & 0o777).toBe(0o600);

    for (const file of [cliFile, ownFile]) {
      // Taken mid-load: some tickets, not all, and numbered without a gap (a consistent moment).
      const numbers = issuedIn(file);
      expect(numbers.length).toBeGreaterThan(0);
      expect(numbers.length).toBeLessThan(total);
      expect(numbers.map((n) => Number(n.slice(1)))).toEqual(numbers.map((_, i) => i + 1));

      // A new machine: an empty DATA_DIR and the secret's own copy.
      const restoredDir = tempDir('restored');
      const r = await restoreCli(restoredDir, file, { HALLQ_SECRET_FILE: join(dataDir, SECRET_FILE) });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/audit chain intact/);
      // Owner-only as soon as it is there, before any server starts and sets the folder right.
      expect(statSync(join(restoredDir, DB_FILE)).mode & 0o777).toBe(0o600);
      const back = await startTestHall({ dataDir: restoredDir });
      try {
        const verify = await back.api('GET', `${V1}/audit/verify`, undefined, back.managerToken);
        expect(verify.body).toMatchObject({ ok: true });
        // Paged: under load the backup holds more than one page of entries before the restore's own.
        expect(await auditAll(back, 'type=backup.restored')).toHaveLength(1);
        // Numbering goes on after the restored tickets.
        const next = await back.api('POST', `${V1}/tickets`, { serviceId: 'query' }, back.managerToken);
        expect(Number(next.body.ticket.number.slice(1))).toBe(numbers.length + 1);
      } finally {
        await back.stop();
      }
    }
  });
});

describe('restore refuses and changes nothing', () => {
  it('for the hall’s own copy cut short: the copy is anchored at its head', { timeout: 60_000 }, async () => {
    const dataDir = tempDir('busy');
    const usb = tempDir('usb');
    const h = await startTestHall({ dataDir, env: { BACKUP_DIR: usb, BACKUP_SAME_DISK: '1' } });
    for (let i = 0; i < 20; i++) await h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, h.managerToken);
    expectOk(await h.api('POST', `${V1}/backups`, undefined, h.managerToken), 201);
    await h.stop();
    const file = join(
      usb,
      readdirSync(usb).find((f) => f.endsWith('.sqlite'))!,
    );
    const cut = join(usb, 'cut.sqlite');
    copyFileSync(file, cut);
    const db = new Database(cut);
    db.exec('DROP TRIGGER events_no_delete');
    db.exec("DELETE FROM events WHERE seq > (SELECT MAX(seq) - 5 FROM events WHERE type = 'ticket.issued')");
    db.close();
    const refused = await restoreCli(tempDir('new-box'), cut, { HALLQ_SECRET_FILE: join(dataDir, SECRET_FILE) });
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/truncated/);
  });

  it('while the server runs, for an altered copy, and without the secret', { timeout: 180_000 }, async () => {
    const dataDir = tempDir('live');
    const usb = tempDir('usb');
    const h = await startTestHall({ dataDir });
    for (let i = 0; i < 5; i++) await h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, h.managerToken);
    const b = await backupCli(dataDir, usb);
    expect(b.status, b.stderr).toBe(0);
    const file = join(usb, readdirSync(usb)[0]);

    const running = await restoreCli(dataDir, file);
    expect({ status: running.status, stderr: running.stderr }).toMatchObject({
      status: 3,
      stderr: expect.stringMatching(/in use: stop the HallQ server first/),
    });
    await h.stop();
    expect(readdirSync(dataDir).filter((n) => n.startsWith('pre-restore'))).toEqual([]);

    const altered = join(usb, 'altered.sqlite');
    copyFileSync(file, altered);
    const db = new Database(altered);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare(
      "UPDATE events SET actor = 'user:intruder' WHERE type = 'ticket.issued' AND seq = (SELECT MIN(seq) FROM events WHERE type = 'ticket.issued')",
    ).run();
    db.close();
    const before = statSync(join(dataDir, DB_FILE)).mtimeMs;
    const refused = await restoreCli(dataDir, altered);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/does not verify at entry \d+/);
    expect(statSync(join(dataDir, DB_FILE)).mtimeMs).toBe(before);

    const noSecret = await restoreCli(tempDir('empty'), file);
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toMatch(/hall-secret\.key is missing/);

    // The copy fails half-way (here: its temporary name is taken by a folder): the database goes back as it was.
    mkdirSync(join(dataDir, `.${DB_FILE}.restoring`));
    const failed = await restoreCli(dataDir, file);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/nothing changed/);
    expect(statSync(join(dataDir, DB_FILE)).mtimeMs).toBe(before);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('pre-restore'))).toEqual([]);
    rmSync(join(dataDir, `.${DB_FILE}.restoring`), { recursive: true });

    // The same data folder, stopped: restores, and the database it replaced is set aside, not deleted.
    const ok = await restoreCli(dataDir, file);
    expect(ok.status, ok.stderr).toBe(0);
    // The hall went on after the copy (its shutdown at least): the operator is told what the restore leaves behind.
    expect(ok.stdout).toMatch(/it went on to entry \d+: the \d+ entries after this backup/);
    const aside = readdirSync(dataDir).filter((n) => n.startsWith('pre-restore-'));
    expect(aside).toHaveLength(1);
    expect(existsSync(join(dataDir, aside[0], DB_FILE))).toBe(true);
  });
});

describe('restore never hands a number out twice in a day', () => {
  it('reserves the numbers the replaced database handed out after the copy', { timeout: 60_000 }, async () => {
    const dataDir = tempDir('numbers');
    const usb = tempDir('usb');
    const h = await startTestHall({ dataDir });
    for (let i = 0; i < 3; i++) await take(h); // D001–D003 are in the copy
    expect((await backupCli(dataDir, usb)).status).toBe(0);
    for (let i = 0; i < 4; i++) await take(h); // D004–D007 are handed out after it
    await h.stop();

    const r = await restoreCli(dataDir, join(usb, readdirSync(usb)[0]));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/numbers it handed out on \d{4}-\d{2}-\d{2} are not handed out again \(D up to 7\)/);
    const back = await startTestHall({ dataDir });
    try {
      expect(await take(back)).toBe('D008');
      expect(await auditAll(back, 'type=day.numbers_reserved')).toMatchObject([
        { data: { sequences: { D: 7 } }, actor: 'system:restore' },
      ]);
    } finally {
      await back.stop();
    }
  });
});

describe('a restored hall’s backups', () => {
  it(
    'start from nothing: the record of the hall the copy was made on does not come with it',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDir('backed-up');
      const h = await startTestHall({ dataDir });
      expectOk(await h.api('POST', `${V1}/backups`, undefined, h.managerToken), 201);
      // The second copy holds the first one's record.
      const second = await h.api('POST', `${V1}/backups`, undefined, h.managerToken);
      expectOk(second, 201);
      await h.stop();

      const restoredDir = tempDir('restored-backups');
      const r = await restoreCli(restoredDir, join(dataDir, 'backups', second.body.backup.name), {
        HALLQ_SECRET_FILE: join(dataDir, SECRET_FILE),
      });
      expect(r.status, r.stderr).toBe(0);
      const back = await startTestHall({ dataDir: restoredDir });
      try {
        const status = (await back.api('GET', `${V1}/backups`, undefined, back.managerToken)).body;
        expect(status.lastSuccess).toBeNull();
      } finally {
        await back.stop();
      }
    },
  );
});

describe('restore after the database was lost while stopped', () => {
  for (const how of ['emptied', 'deleted'] as const)
    it(`reserves the day's numbers from the head mark when the database was ${how}`, { timeout: 60_000 }, async () => {
      const dataDir = tempDir(`lost-${how}`);
      const usb = tempDir('usb');
      const h = await startTestHall({ dataDir });
      for (let i = 0; i < 3; i++) await take(h); // D001–D003 are in the copy
      expect((await backupCli(dataDir, usb)).status).toBe(0);
      for (let i = 0; i < 4; i++) await take(h); // D004–D007 only in the lost database (and its head mark)
      await h.stop();
      if (how === 'emptied') truncateSync(join(dataDir, DB_FILE), 0);
      else for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, DB_FILE + suffix), { force: true });

      const r = await restoreCli(dataDir, join(usb, readdirSync(usb)[0]));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/are not handed out again \(D up to 7\)/); // the mark's, written at the clean stop
      const back = await startTestHall({ dataDir });
      try {
        expect(await take(back)).toBe('D008');
        // Restored by design: not reported as a log that lost its end.
        expect((await back.api('GET', '/healthz')).body.auditChain?.ok ?? true).toBe(true);
      } finally {
        await back.stop();
      }
    });
});

describe('restore over a damaged database', () => {
  it(
    'replaces it, unless a process holds it, and warns that its numbers are unknown',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDir('damaged');
      const usb = tempDir('usb');
      const h = await startTestHall({ dataDir });
      await h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, h.managerToken);
      expect((await backupCli(dataDir, usb)).status).toBe(0);
      await h.stop();
      const live = join(dataDir, DB_FILE);
      const fd = openSync(live, 'r+');
      writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0); // the header gone: "file is not a database"
      const copy = join(usb, readdirSync(usb)[0]);
      try {
        const held = await restoreCli(dataDir, copy);
        expect(held.status, held.stderr).toBe(3);
        expect(held.stderr).toMatch(/is in use: stop the HallQ server first/);
      } finally {
        closeSync(fd);
      }
      const r = await restoreCli(dataDir, copy);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/WARNING: the database it replaced could not be read \(file is not a database\)/);
      const aside = readdirSync(dataDir).filter((n) => n.startsWith('pre-restore-'));
      expect(aside).toHaveLength(1);
      const back = await startTestHall({ dataDir });
      try {
        expect(
          (await back.api('POST', `${V1}/tickets`, { serviceId: 'query' }, back.managerToken)).body.ticket.number,
        ).toBe('D002');
      } finally {
        await back.stop();
      }
    },
  );
});

describe('restore takes no account on trust', () => {
  it(
    'puts out of use the accounts a copy holds that its audit log does not vouch for',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDir('accounts');
      const usb = tempDir('usb');
      const h = await startTestHall({ dataDir });
      const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
      await h.device('pad-1', 'pad', { counterId: '1' });
      await h.staffAt('1', 'li');
      const gone = await h.api(
        'POST',
        `${V1}/staff`,
        { username: 'gone', password: 'staff-password', name: '离职', role: 'counter' },
        h.managerToken,
      );
      expectOk(await h.api('POST', `${V1}/staff/${gone.body.user.id}/disable`, {}, h.managerToken));
      await h.stop();
      expect((await backupCli(dataDir, usb)).status).toBe(0);
      const file = join(usb, readdirSync(usb)[0]);

      // Someone with the USB disk and sqlite3, no secret: a manager of their own, a token of their own for boss, the
      // dismissed clerk let back in, and a device of their own.
      const known = 'a-token-the-intruder-chose';
      const db = new Database(file);
      db.exec(`INSERT INTO users (id, username, name, role, password_hash, created_at, disabled)
             SELECT 'u_evil', 'evil', 'Evil', 'manager', password_hash, 0, 0 FROM users WHERE username = 'boss'`);
      db.prepare(
        `INSERT INTO tokens (hash, subject_kind, subject_id, role, created_at, expires_at)
       SELECT ?, 'user', id, 'manager', 0, NULL FROM users WHERE username = 'boss'`,
      ).run(createHash('sha256').update(known).digest('hex'));
      db.exec("UPDATE users SET disabled = 0 WHERE username = 'gone'");
      db.exec("UPDATE devices SET counter_id = '2' WHERE id = 'pad-1'"); // a pad moved to another counter
      db.exec(`INSERT INTO devices (id, kind, mqtt_username, mqtt_password_hash, created_at)
             VALUES ('ghost', 'kiosk', 'ghost-mqtt', 'x', 0)`);
      const kioskAsManager = 'a-kiosk-token-with-a-manager-role';
      db.prepare(
        `INSERT INTO tokens (hash, subject_kind, subject_id, role, created_at, expires_at)
         VALUES (?, 'device', 'kiosk-1', 'manager', 0, NULL)`,
      ).run(createHash('sha256').update(kioskAsManager).digest('hex'));
      db.close();

      const restoredDir = tempDir('restored-accounts');
      const r = await restoreCli(restoredDir, file, { HALLQ_SECRET_FILE: join(dataDir, SECRET_FILE) });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /users disabled: (evil, gone|gone, evil); devices removed: pad-1, ghost; device tokens with a role not their device's deleted: 1/,
      );
      const back = await startTestHall({ dataDir: restoredDir });
      try {
        const login = (username: string, password: string) =>
          back.api('POST', `${V1}/auth/login`, { username, password });
        expectError(await login('evil', 'boss-password'), 401, 'INVALID_CREDENTIALS');
        expectError(await login('gone', 'staff-password'), 401, 'INVALID_CREDENTIALS');
        expect((await back.api('GET', `${V1}/staff`, undefined, known)).status).toBe(401);
        expect((await back.api('GET', `${V1}/staff`, undefined, kioskAsManager)).status).toBe(401);
        // What the log vouches for goes on: the kiosk's token, and staff who log in again.
        expectOk(await back.api('POST', `${V1}/tickets`, { serviceId: 'query' }, kiosk), 201);
        expectOk(await login('li', 'staff-password'));
        const restored = (await auditAll(back, 'type=backup.restored')).at(-1);
        expect(restored.data).toMatchObject({ removedDevices: ['pad-1', 'ghost'], sessionsEnded: expect.any(Number) });
        expect([...restored.data.disabledUsers].sort()).toEqual(['evil', 'gone']);
      } finally {
        await back.stop();
      }
    },
  );
});

describe('the hall’s own backups', () => {
  it('keeps the newest BACKUP_KEEP copies and leaves other files alone', { timeout: 60_000 }, async () => {
    const dir = tempDir('keep');
    writeFileSync(join(dir, 'notes.txt'), 'not a backup');
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const h = await startTestHall({
      clock: clock.clock,
      env: { BACKUP_DIR: dir, BACKUP_KEEP: '3', BACKUP_SAME_DISK: '1' },
    });
    try {
      const names: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await h.api('POST', `${V1}/backups`, undefined, h.managerToken);
        expectOk(r, 201);
        names.push(r.body.backup.name);
        clock.advance(24 * 60);
        await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' }).then((l) => {
          h.managerToken = l.body.token;
        });
      }
      expect(readdirSync(dir).sort()).toEqual([...names.slice(2), 'notes.txt'].sort());
      const status = await h.api('GET', `${V1}/backups`, undefined, h.managerToken);
      expect(status.body).toMatchObject({ keep: 3, failing: false, lastSuccess: { name: names[4] } });
      expect(status.body.files.map((f: any) => f.name)).toEqual(names.slice(2).reverse());
    } finally {
      await h.stop();
    }
  });

  it('a folder that cannot be written is an alert until a backup succeeds', { timeout: 60_000 }, async () => {
    const parent = tempDir('usb');
    const dir = join(parent, 'usb-disk');
    // A file where the folder should be: no user, root included, can write a backup there.
    writeFileSync(dir, 'the USB disk is not mounted');
    const h = await startTestHall({ env: { BACKUP_DIR: dir, BACKUP_SAME_DISK: '1' } });
    try {
      expectError(await h.api('POST', `${V1}/backups`, undefined, h.managerToken), 503, 'BACKUP_FAILED');
      const alerts = await h.api('GET', `${V1}/alerts`, undefined, h.managerToken);
      expect(alerts.body.alerts).toContainEqual(
        expect.objectContaining({ kind: 'backup.failed', severity: 'critical' }),
      );
      const status = await h.api('GET', `${V1}/backups`, undefined, h.managerToken);
      expect(status.body).toMatchObject({
        failing: true,
        lastSuccess: null,
        lastFailure: { error: expect.stringMatching(/^the backup folder is not a folder \(is the disk mounted\?\)/) },
      });
      const audit = await h.api('GET', `${V1}/audit?type=backup.failed`, undefined, h.managerToken);
      expect(audit.body.entries).toHaveLength(1);

      rmSync(dir);
      mkdirSync(dir);
      expectOk(await h.api('POST', `${V1}/backups`, undefined, h.managerToken), 201);
      const after = await h.api('GET', `${V1}/alerts`, undefined, h.managerToken);
      expect(after.body.alerts.map((a: any) => a.kind)).not.toContain('backup.failed');
    } finally {
      await h.stop();
    }
  });

  it('never makes a chosen folder, and refuses one on the hall’s own disk: the USB disk may not be mounted', async () => {
    const usbMount = tempDir('mnt'); // an empty mount point, on the hall's own disk while nothing is mounted there
    const missing = join(usbMount, 'hallq');
    const onOwnDisk = await startTestHall({ env: { BACKUP_DIR: missing } });
    try {
      const r = await onOwnDisk.api('POST', `${V1}/backups`, undefined, onOwnDisk.managerToken);
      expectError(r, 503, 'BACKUP_FAILED');
      expect(r.body.error.message).toMatch(/the backup folder is not there \(is the disk mounted\?\)/);
      expect(existsSync(missing)).toBe(false);
      mkdirSync(missing);
      const same = await onOwnDisk.api('POST', `${V1}/backups`, undefined, onOwnDisk.managerToken);
      expectError(same, 503, 'BACKUP_FAILED');
      expect(same.body.error.message).toMatch(/on the hall’s own disk, not a second one \(is the USB disk mounted\?/);
      expect(readdirSync(missing)).toEqual([]);
      const alerts = await onOwnDisk.api('GET', `${V1}/alerts`, undefined, onOwnDisk.managerToken);
      expect(alerts.body.alerts.map((a: any) => a.kind)).toContain('backup.failed');
    } finally {
      await onOwnDisk.stop();
    }
    // A folder on another disk (here the RAM disk /dev/shm, when the temp folder is not on it) is taken as it is.
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tmpdir()).dev) return;
    const usb = mkdtempSync('/dev/shm/hallq-usb-');
    dirs.push(usb);
    const otherDisk = await startTestHall({ env: { BACKUP_DIR: usb } });
    try {
      expectOk(await otherDisk.api('POST', `${V1}/backups`, undefined, otherDisk.managerToken), 201);
      expect(readdirSync(usb).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
    } finally {
      await otherDisk.stop();
    }
  });

  it('warns when no backup was made for 36 hours', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const h = await startTestHall({
      clock: clock.clock,
      env: { BACKUP_DIR: tempDir('overdue'), BACKUP_SAME_DISK: '1' },
    });
    try {
      const kinds = async () =>
        (await h.api('GET', `${V1}/alerts`, undefined, h.managerToken)).body.alerts.map((a: any) => a.kind);
      expect(await kinds()).not.toContain('backup.overdue');
      clock.advance(37 * 60);
      await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' }).then((l) => {
        h.managerToken = l.body.token;
      });
      expect(await kinds()).toContain('backup.overdue');
      expectOk(await h.api('POST', `${V1}/backups`, undefined, h.managerToken), 201);
      expect(await kinds()).not.toContain('backup.overdue');
    } finally {
      await h.stop();
    }
  });

  it('is due once a hall day, from BACKUP_AT in the hall’s time zone, and after a missed night', async () => {
    const clock = manualClock('2026-03-02T00:20:00+08:00'); // 2026-03-01 16:20 UTC
    const h = await startTestHall({
      clock: clock.clock,
      env: { BACKUP_AT: '00:30', BACKUP_DIR: tempDir('due'), BACKUP_SAME_DISK: '1' },
    });
    try {
      const job = h.running.features.find((f) => f.name === 'nightly-backups') as any;
      expect(job.isDue()).toBe(false);
      clock.set('2026-03-02T00:31:00+08:00');
      expect(job.isDue()).toBe(true);
      await job.runIfDue();
      expect(job.isDue()).toBe(false);
      clock.set('2026-03-02T23:59:00+08:00');
      expect(job.isDue()).toBe(false);
      // Switched off over the next night: due when it is on again, whatever the hour.
      clock.set('2026-03-03T09:00:00+08:00');
      expect(job.isDue()).toBe(true);
      // On the UPS's battery the copy waits for mains: one cut off by the power is worth nothing.
      const ups = (onBattery: boolean) =>
        h.running.hall.bus.emit('device.event', {
          device: { id: 'ups', kind: 'sensor' } as never,
          name: 'power',
          body: { onBattery },
        });
      ups(true);
      expect(job.isDue()).toBe(false);
      expect(await job.runIfDue()).toBeUndefined();
      ups(false);
      expect(job.isDue()).toBe(true);
    } finally {
      await h.stop();
    }
  });
});
