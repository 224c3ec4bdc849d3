/**
 * Failed staff logins in the audit log are bounded: each of a minute's first 20 is its own `auth.login` entry, the
 * rest of the minute's are counted into one `auth.login_failures` entry, written when the minute ends, when the audit
 * is read, or at shutdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOGIN_FAILURES_EACH_PER_MINUTE } from '../../server/security/login-failure-trail.js';
import { apiFrom } from '../helpers/from-address.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { auditAll, auditVerify, V1 } from './support.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hallq-login-failures-'));
let now = Date.parse('2026-12-02T08:30:00+08:00');
let h: TestHall;

afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `n` wrong passwords, each from an address of its own (no throttle trips), ten at a time. */
async function failLogins(n: number, firstAddress: number, username: (i: number) => string): Promise<void> {
  for (let i = 0; i < n; i += 10) {
    const batch = Array.from({ length: Math.min(10, n - i) }, (_, j) => i + j);
    const answers = await Promise.all(
      batch.map((k) =>
        apiFrom(`127.0.${firstAddress + (k >> 7)}.${(k & 127) + 1}`, `${h.url}${V1}/auth/login`, 'POST', {
          username: username(k),
          password: `guess-${k}`,
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(batch.map(() => 401));
  }
}

const failedOnes = async () => (await auditAll(h, 'type=auth.login')).filter((e) => e.data.ok === false);
const summaries = () => auditAll(h, 'type=auth.login_failures');

describe('failed logins in the audit log', () => {
  it('writes a minute’s first 20 one by one and counts the rest into one entry', async () => {
    h = await startTestHall({ dataDir, clock: () => now });
    await failLogins(50, 20, (i) => (i % 5 === 0 ? `ghost-${i}` : 'boss'));

    expect(await failedOnes()).toHaveLength(LOGIN_FAILURES_EACH_PER_MINUTE);
    const [summary, ...more] = await summaries();
    expect(more).toEqual([]);
    expect(summary.data).toMatchObject({ count: 30, addresses: 30, from: now, to: now });
    expect(summary.data.mostAddresses).toHaveLength(10);
    expect(summary.data.mostUsernames[0]).toEqual({ username: 'boss', count: 24 });
    expect(summary.data.mostUsernames).toHaveLength(7);

    // A new minute starts again one by one.
    now += 61_000;
    await failLogins(1, 30, () => 'boss');
    expect(await failedOnes()).toHaveLength(LOGIN_FAILURES_EACH_PER_MINUTE + 1);
    expect(await summaries()).toHaveLength(1);
    await auditVerify(h);
  });

  it('writes the minute counted so far at shutdown', async () => {
    now += 61_000;
    await failLogins(LOGIN_FAILURES_EACH_PER_MINUTE + 5, 40, () => 'boss');
    await h.stop();
    h = await startTestHall({ dataDir, clock: () => now });
    const latest = (await summaries()).at(-1);
    expect(latest.data).toMatchObject({ count: 5, addresses: 5, mostUsernames: [{ username: 'boss', count: 5 }] });
    expect(await summaries()).toHaveLength(2);
  });
});
