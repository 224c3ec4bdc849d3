/** Password guessing is slowed per address and username pair, with backoff; nobody can lock someone else out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFrom } from '../helpers/from-address.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, manualClock, MONDAY_10, V1 } from './support.js';

const clock = manualClock(MONDAY_10);
let h: TestHall;
const login = (from: string, password: string) =>
  apiFrom(from, `${h.url}${V1}/auth/login`, 'POST', { username: 'target', password });

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
  const r = await h.api(
    'POST',
    `${V1}/staff`,
    { username: 'target', password: 'right-password', name: '目标', role: 'counter' },
    h.managerToken,
  );
  expect(r.status).toBe(201);
});
afterAll(async () => {
  await h?.stop();
});

describe('login throttling', () => {
  it('blocks only the guessing address: the owner logs in from elsewhere while the guesser waits', async () => {
    for (let i = 0; i < 5; i++) expectError(await login('127.0.0.2', `wrong-${i}`), 401, 'INVALID_CREDENTIALS');
    const blocked = await login('127.0.0.2', 'right-password');
    expectError(blocked, 429, 'TOO_MANY_ATTEMPTS');
    expect(blocked.body.error.retryAfterSeconds).toBe(60);
    expect((await login('127.0.0.3', 'right-password')).status).toBe(200);
  });

  it('doubles the wait with each further failure of the pair, up to 15 minutes, never for good', async () => {
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await login('127.0.0.2', 'right-password');
      expectError(r, 429, 'TOO_MANY_ATTEMPTS');
      waits.push(r.body.error.retryAfterSeconds);
      clock.advance(r.body.error.retryAfterSeconds / 60);
      expectError(await login('127.0.0.2', `still-wrong-${i}`), 401, 'INVALID_CREDENTIALS');
    }
    expect(waits).toEqual([60, 120, 240, 480, 900, 900]);
    // Repeating five failures a minute, as the attacker did, never shuts the owner out from their own desk.
    expect((await login('127.0.0.3', 'right-password')).status).toBe(200);
    clock.advance(15);
    expect((await login('127.0.0.2', 'right-password')).status).toBe(200);
    // A success forgets the pair's failures.
    expectError(await login('127.0.0.2', 'wrong-again'), 401, 'INVALID_CREDENTIALS');
    expect((await login('127.0.0.2', 'right-password')).status).toBe(200);
  });
  it('blocks an address after 20 failures a minute over any usernames, until the oldest ages out', async () => {
    const from = '127.0.0.9';
    const tryAs = (username: string) => apiFrom(from, `${h.url}${V1}/auth/login`, 'POST', { username, password: 'x' });
    for (let i = 0; i < 20; i++) {
      expectError(await tryAs(`someone-${i}`), 401, 'INVALID_CREDENTIALS');
      clock.advance(1 / 60); // a second apart
    }
    const blocked = await tryAs('someone-else');
    expectError(blocked, 429, 'TOO_MANY_ATTEMPTS');
    expect(blocked.body.error.retryAfterSeconds).toBe(40); // the first failure, 20 s ago, ages out in 40 s
    clock.advance(40 / 60);
    expectError(await tryAs('someone-else'), 401, 'INVALID_CREDENTIALS');
  });
});
