/**
 * A full disk: commands are refused with 503 STORAGE_FULL and change nothing, reading goes on, nothing is corrupted,
 * and the hall writes again once space returns; an alarm raised meanwhile starts its playbook then; and a hall
 * restarted on a full disk starts and reads. Runs on a small tmpfs, which needs root (skipped otherwise).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import type { AutomaticTriggers } from '../../server/features/playbooks/automatic-triggers.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import mqtt from 'mqtt';
import { log } from '../../server/log.js';
import { connectedDevice } from '../helpers/mqtt-login.js';
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
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, storage: { ok: false, problem: 'full' } });
    // Reads go on, and show exactly what was acknowledged.
    const hall = await h.api('GET', `${V1}/hall`);
    expectOk(hall);
    expect(hall.body.services.find((s: any) => s.id === 'one-window').waiting).toBe(issued.length);

    rmSync(filler);
    const next = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
    expectOk(next, 201);
    const n = (num: string) => Number(num.slice(1));
    expect(n(next.body.ticket.number)).toBe(n(issued[issued.length - 1]) + 1);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect(issued.map(n)).toEqual(issued.map((_, i) => i + 1));
    expect(await auditVerify(h)).toMatchObject({ ok: true });
    expect(h.running.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses commands with 503 STORAGE_FAILED on a disk gone read-only, and says so on /healthz', async () => {
    // Linux refuses to remount a file system read-only under files open for writing; SQLite's own switch gives the
    // same refusal (SQLITE_READONLY) that a disk remounted read-only after errors gives.
    h.running.db.pragma('query_only = ON');
    try {
      expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 503, 'STORAGE_FAILED');
      const health = await fetch(`${h.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, storage: { problem: 'read-only' } });
      expectOk(await h.api('GET', `${V1}/hall`));
    } finally {
      h.running.db.pragma('query_only = OFF');
    }
    expectOk(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 201);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
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

  it('keeps a fire alarm raised while the disk is full, and starts fire once space returns', async () => {
    const reg = await h.device('fire-panel', 'sensor');
    const panel = await connectedDevice(h.running.mqttUrl, reg.mqtt);
    const fireActive = () => (h.running.hall.state.playbooks ?? []).some((p) => p.playbookId === 'fire');
    const triggers = h.running.features.find((f) => f.name === 'playbook-triggers') as AutomaticTriggers;
    try {
      fillDisk();
      const t = topics('yunfu-realestate');
      await new Promise((r) =>
        panel.publish(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: 'a1', active: true }), { qos: 1 }, r),
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(fireActive()).toBe(false);
      expect(() => triggers.tick()).not.toThrow(); // tries again, and the disk is still full
      expect(fireActive()).toBe(false);
      expect((await h.api('GET', `${V1}/hall`)).status).toBe(200);

      rmSync(filler);
      triggers.tick();
      expect(fireActive()).toBe(true);
      const ended = () => !fireActive();
      panel.publish(t.deviceEvt('fire-panel', 'alarm'), JSON.stringify({ id: 'a2', active: false }), { qos: 1 });
      await until('the alarm is released', ended);
      expect(await auditVerify(h)).toMatchObject({ ok: true });
    } finally {
      panel.end(true);
      rmSync(filler, { force: true });
    }
  });

  it('starts on a full disk: reads go on, commands are refused, and it writes again once space returns', async () => {
    const before = (await h.api('GET', `${V1}/hall`)).body;
    const dataDir = h.dataDir;
    await h.stop();
    fillDisk();
    h = await startTestHall({ clock: clock.clock, dataDir, noLogin: true });
    expectError(
      await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' }),
      503,
      'STORAGE_FULL',
    );
    const hall = await h.api('GET', `${V1}/hall`);
    expectOk(hall);
    expect(hall.body.services).toEqual(before.services);
    expectError(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 503, 'STORAGE_FULL');

    rmSync(filler);
    const waiting = before.services.find((s: any) => s.id === 'one-window').waiting;
    expectOk(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk), 201);
    expect((await h.api('GET', `${V1}/hall`)).body.services.find((s: any) => s.id === 'one-window').waiting).toBe(
      waiting + 1,
    );
    const login = await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' });
    expectOk(login);
    expect(await auditVerify({ ...h, managerToken: login.body.token })).toMatchObject({ ok: true });
  });

  it('logs a command only once it is on disk: none for a batch the full disk took back', async () => {
    const lines: string[] = [];
    const sink = { write: (c: string) => (lines.push(c), true), once: () => undefined, writableLength: 0 };
    const restore = log.redirect(sink as never, sink as never);
    log.setLevel('info');
    let issued = 0;
    try {
      fillDisk();
      for (let i = 0; i < 3000; i++) {
        const r = await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk);
        if (r.status !== 201) break;
        issued++;
      }
      log.flush();
    } finally {
      restore();
      log.setLevel('silent');
      rmSync(filler, { force: true });
    }
    const commands = lines
      .join('')
      .split('\n')
      .filter((l) => l.includes('"msg":"command"') && l.includes('ticket.issued'));
    expect(commands).toHaveLength(issued);
  });

  it('gives a counter button no PUBACK while its press cannot be written; the press counts once there is room', async () => {
    const dataDir = h.dataDir;
    await h.stop();
    h = await startTestHall({ clock: clock.clock, dataDir }); // with a manager's login again
    const staff = await h.staffAt('1');
    expect((await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, kiosk)).status).toBe(201);
    const reg = await h.device('btn-1', 'button', { counterId: '1' });
    const button = mqtt.connect(h.running.mqttUrl, {
      ...reg.mqtt,
      clientId: reg.mqtt.username,
      reconnectPeriod: 200,
    });
    await new Promise((r) => button.once('connect', r));
    const current = async () => (await h.api('GET', `${V1}/hall`)).body.counters.find((c: any) => c.id === '1').current;
    try {
      const before = await current();
      fillDisk();
      let acked = false;
      button.publish(
        topics('yunfu-realestate').deviceEvt('btn-1', 'press'),
        JSON.stringify({ id: 'p1', button: 'call' }),
        { qos: 1 },
        () => {
          acked = true;
        },
      );
      await new Promise((r) => setTimeout(r, 800));
      expect(acked).toBe(false);
      expect(await current()).toBe(before);
      rmSync(filler);
      await until('the press is handled once there is room', () => acked, 15_000);
      await until('the counter called', async () => (await current()) !== before, 5_000);
      expect(staff).toBeTruthy();
    } finally {
      button.end(true);
      rmSync(filler, { force: true });
    }
  });
});
