/**
 * A full disk: commands are refused with 503 STORAGE_FULL and change nothing, reading goes on, nothing is corrupted,
 * and the hall writes again once space returns. Runs on a small tmpfs, which needs root (skipped otherwise).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditVerify, expectError, expectOk, manualClock, MONDAY_10, V1 } from '../api/support.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'hallq-full-'));
const mounted = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const filler = join(mountPoint, 'filler');
const clock = manualClock(MONDAY_10);
let h: TestHall;
let kiosk: string;

/** Writes `filler` until the disk is full. */
function fillDisk(): void {
  const fd = openSync(filler, 'a');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // The last blocks, a byte at a time.
  const fd2 = openSync(filler, 'a');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512, 1));
  } catch {
    /* full */
  } finally {
    closeSync(fd2);
  }
}

beforeAll(async () => {
  if (!mounted) return;
  const dataDir = join(mountPoint, 'data');
  mkdirSync(dataDir);
  h = await startTestHall({ clock: clock.clock, dataDir });
  kiosk = (await h.device('kiosk-1', 'kiosk')).token;
});
afterAll(async () => {
  rmSync(filler, { force: true });
  await h?.stop();
  if (mounted) {
    try {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', mountPoint]); // still busy after a failed test: detach it anyway
    }
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('a full disk', () => {
  it('refuses commands with 503 STORAGE_FULL, keeps answering reads, and recovers when space returns', async () => {
    const issued: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
      expectOk(r, 201);
      issued.push(r.body.ticket.number);
    }
    fillDisk();
    let refused: any;
    for (let i = 0; i < 3000 && !refused; i++) {
      const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
      if (r.status === 201) issued.push(r.body.ticket.number);
      else refused = r;
    }
    expectError(refused, 503, 'STORAGE_FULL');
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 503, 'STORAGE_FULL');
    // Reads go on, and show exactly what was acknowledged.
    const hall = await h.api('GET', `${V1}/hall`);
    expectOk(hall);
    expect(hall.body.services.find((s: any) => s.id === 'one-window').waiting).toBe(issued.length);

    rmSync(filler);
    const next = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
    expectOk(next, 201);
    const n = (num: string) => Number(num.slice(1));
    expect(n(next.body.ticket.number)).toBe(n(issued[issued.length - 1]) + 1);
    expect(issued.map(n)).toEqual(issued.map((_, i) => i + 1));
    expect(await auditVerify(h)).toMatchObject({ ok: true });
    expect(h.running.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('reads the same hall back after a restart', async () => {
    const before = (await h.api('GET', `${V1}/hall`)).body;
    const dataDir = h.dataDir;
    await h.stop();
    h = await startTestHall({ clock: clock.clock, dataDir });
    const after = (await h.api('GET', `${V1}/hall`)).body;
    expect(after.services).toEqual(before.services);
    expect(await auditVerify(h)).toMatchObject({ ok: true });
  });
});
