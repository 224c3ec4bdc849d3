/**
 * Behind the hall's reverse proxy (HALLQ_TRUSTED_PROXIES) every phone arrives from one address: the per-address
 * limits must then key on the client the proxy names, and X-Forwarded-For from anyone else must change nothing.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../server/config/env.js';
import { forwardedClient } from '../../server/http/client-address.js';
import { apiFrom } from '../helpers/from-address.js';
import { closedWithin, rawConnect } from '../helpers/raw-sockets.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, V1 } from './support.js';

const PROXY = '127.0.0.5';
const STRANGER = '127.0.0.6';

describe('forwardedClient', () => {
  const proxies = new Set([PROXY, '10.0.0.2']);
  it('believes only what the trusted proxies wrote, from the right', () => {
    expect(forwardedClient(PROXY, '203.0.113.7', proxies)).toBe('203.0.113.7');
    // The left entry was written by the client itself: never believed.
    expect(forwardedClient(PROXY, '1.2.3.4, 203.0.113.7', proxies)).toBe('203.0.113.7');
    // Two proxies in a row: the client is the first address that is not one of them.
    expect(forwardedClient(`::ffff:${PROXY}`, '203.0.113.7, 10.0.0.2', proxies)).toBe('203.0.113.7');
    expect(forwardedClient(STRANGER, '203.0.113.7', proxies)).toBe(STRANGER);
    expect(forwardedClient(PROXY, 'not-an-address', proxies)).toBe(PROXY);
    expect(forwardedClient(PROXY, undefined, proxies)).toBe(PROXY);
  });

  it('refuses a setting that is not a list of addresses', () => {
    expect(() => readEnv({ HALLQ_TRUSTED_PROXIES: '10.0.0.2, proxy.local' })).toThrow(/HALLQ_TRUSTED_PROXIES/);
    expect(readEnv({ HALLQ_TRUSTED_PROXIES: '10.0.0.2, ::1' }).HALLQ_TRUSTED_PROXIES).toEqual(['10.0.0.2', '::1']);
  });
});

describe('limits behind a trusted proxy (real server)', () => {
  let h: TestHall;
  const held: Socket[] = [];
  const login = (from: string, forwardedFor: string, password: string) =>
    apiFrom(from, `${h.url}${V1}/auth/login`, 'POST', { username: 'target', password }, undefined, {
      'x-forwarded-for': forwardedFor,
    });

  beforeAll(async () => {
    h = await startTestHall({ env: { HALLQ_TRUSTED_PROXIES: PROXY, HALLQ_HTTP_MAX_PER_ADDRESS: '4' } });
    const r = await h.api(
      'POST',
      `${V1}/staff`,
      { username: 'target', password: 'right-password', name: '目标', role: 'counter' },
      h.managerToken,
    );
    expect(r.status).toBe(201);
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await h?.stop();
  });

  it("throttles the guessing phone behind the proxy, not the proxy's other clients", async () => {
    for (let i = 0; i < 5; i++)
      expectError(await login(PROXY, '203.0.113.7', `wrong-${i}`), 401, 'INVALID_CREDENTIALS');
    expectError(await login(PROXY, '203.0.113.7', 'right-password'), 429, 'TOO_MANY_ATTEMPTS');
    expect((await login(PROXY, '203.0.113.8', 'right-password')).status).toBe(200);
  });

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    for (let i = 0; i < 5; i++)
      expectError(await login(STRANGER, `198.51.100.${i}`, `wrong-${i}`), 401, 'INVALID_CREDENTIALS');
    expectError(await login(STRANGER, '198.51.100.99', 'right-password'), 429, 'TOO_MANY_ATTEMPTS');
  });

  it('lets the proxy hold more sockets than one address may, from the setting', async () => {
    const port = Number(new URL(h.url).port);
    const open = async (from: string, n: number) => {
      const sockets = await Promise.all(Array.from({ length: n }, () => rawConnect(port, from)));
      held.push(...sockets);
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 500)));
      return closed.filter(Boolean).length;
    };
    expect(await open('127.0.0.7', 6)).toBe(2); // HALLQ_HTTP_MAX_PER_ADDRESS=4
    expect(await open(PROXY, 6)).toBe(0);
  });
});
