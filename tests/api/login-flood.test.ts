/**
 * A flood of staff logins from many addresses: password checks run one at a time with a bounded line, so the flood
 * is refused quickly (503 TOO_BUSY) instead of queueing scrypt work without end, and staff log in once it passes;
 * from a browser that logged in before (its cookie), they log in while it lasts, after a restart too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_PASSWORD_CHECKS_AT_ONCE, STAFF_PASSWORD_CHECKS_WAITING } from '../../server/store/accounts.js';
import { apiFrom } from '../helpers/from-address.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';
import { expectError, expectOk, V1 } from './support.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hallq-login-flood-'));
let h: TestHall;
beforeAll(async () => {
  h = await startTestHall({ dataDir });
});
afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a login flood', () => {
  it('is refused with 503 TOO_BUSY past the waiting line, and staff log in after it', async () => {
    // A hundred past the line: on a loaded machine some checks end while the flood still arrives, each freeing a place,
    // so the flood is large enough that at least 20 are refused however slowly it comes in.
    const flood = STAFF_PASSWORD_CHECKS_AT_ONCE + STAFF_PASSWORD_CHECKS_WAITING + 100;
    // Each from an address of its own, as many devices on the hall Wi-Fi would: the per-address throttle never trips.
    const answers = await Promise.all(
      Array.from({ length: flood }, (_, i) =>
        apiFrom(`127.0.${10 + Math.floor(i / 200)}.${(i % 200) + 1}`, `${h.url}${V1}/auth/login`, 'POST', {
          username: 'boss',
          password: `guess-${i}`,
        }),
      ),
    );
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    expect([...byStatus.keys()].sort()).toEqual([401, 503]);
    expect(byStatus.get(503)).toBeGreaterThanOrEqual(20);
    const busy = answers.find((a) => a.status === 503)!;
    expectError(busy, 503, 'TOO_BUSY');

    expectOk(await h.api('POST', `${V1}/auth/login`, { username: 'boss', password: 'boss-password' }));
  });

  it('counts a login refused as too busy against its address: retrying at full speed is blocked', async () => {
    // The line filled from many addresses, then one address retrying while it is full: refused unchecked each time.
    const fill = STAFF_PASSWORD_CHECKS_AT_ONCE + STAFF_PASSWORD_CHECKS_WAITING + 20;
    const filling = Promise.all(
      Array.from({ length: fill }, (_, i) =>
        apiFrom(`127.0.${40 + Math.floor(i / 200)}.${(i % 200) + 1}`, `${h.url}${V1}/auth/login`, 'POST', {
          username: 'boss',
          password: `fill-${i}`,
        }),
      ),
    );
    const retrier = '127.0.50.1';
    const statuses: number[] = [];
    for (let i = 0; i < 30 && !statuses.includes(429); i++)
      statuses.push(
        (
          await apiFrom(retrier, `${h.url}${V1}/auth/login`, 'POST', {
            username: 'boss',
            password: `retry-${i}`,
          })
        ).status,
      );
    await filling;
    // Refused as busy (and perhaps a few checked) until the address's 20 a minute are spent: then blocked.
    expect(statuses.at(-1)).toBe(429);
    expect(statuses).toContain(503);
  });

  it('lets staff in from a browser they logged in on before, after a restart too, while a flood with a stolen cookie fills the line', async () => {
    const login = (username: string, password: string, from: string, cookie?: string) =>
      apiFrom(from, `${h.url}${V1}/auth/login`, 'POST', { username, password }, undefined, cookie ? { cookie } : {});
    const created = await h.api(
      'POST',
      `${V1}/staff`,
      { username: 'wang', password: 'wang-password', name: '王', role: 'counter' },
      h.managerToken,
    );
    expect(created.status).toBe(201);
    const cookieOf = (a: { headers: Record<string, unknown> }) => String(a.headers['set-cookie']).split(';')[0];
    const wangLogin = await login('wang', 'wang-password', '127.0.0.77');
    expectOk(wangLogin);
    const wangCookie = cookieOf(wangLogin);
    expect(wangCookie).toMatch(/^hallq_known=/);
    // The flood carries the manager's cookie, as if taken from the manager's browser.
    const stolen = cookieOf(await login('boss', 'boss-password', '127.0.0.79'));
    // The hall restarts (a night's power-off): the cookie is signed with the hall secret, which it keeps.
    await h.stop();
    h = await startTestHall({ dataDir });

    const total = STAFF_PASSWORD_CHECKS_AT_ONCE + STAFF_PASSWORD_CHECKS_WAITING + 100;
    let settled = 0;
    let busy = 0;
    const flood = Array.from({ length: total }, (_, i) =>
      login(
        i % 2 ? 'boss' : `ghost-${i}`,
        `guess-${i}`,
        `127.0.${40 + Math.floor(i / 200)}.${(i % 200) + 1}`,
        stolen,
      ).then((a) => {
        settled++;
        if (a.status === 503) busy++;
        return a;
      }),
    );
    await until("the strangers' line to be full", () => busy > 0, 30_000);

    // From another address even (DHCP gave the PC a new one): the browser, not the address, is known.
    expectOk(await login('wang', 'wang-password', '127.0.0.78', wangCookie));
    expect(settled).toBeLessThan(total); // answered ahead of the strangers still waiting
    await Promise.all(flood);
  }, 60_000);
});
