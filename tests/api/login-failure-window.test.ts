/** The failed-login trail's minute, with a stand-in hall and fake timers: the minute's end, a clock set back, shutdown. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HallService } from '../../server/core/hall-service.js';
import {
  DEVICE_LOGINS,
  LOGIN_FAILURES_EACH_PER_MINUTE,
  LoginFailureTrail,
  shownUsername,
} from '../../server/security/login-failure-trail.js';

let now: number;
let entries: Array<{ type: string; data: any }>;
let trail: LoginFailureTrail;

beforeEach(() => {
  vi.useFakeTimers();
  now = Date.parse('2026-12-02T08:30:00+08:00');
  entries = [];
  trail = new LoginFailureTrail(standIn());
});

const standIn = () =>
  ({ clock: () => now, audit: (_actor: unknown, entry: any) => entries.push(entry) }) as unknown as HallService;

afterEach(() => {
  vi.useRealTimers();
});

const fail = (n: number) => {
  for (let i = 0; i < n; i++) trail.failed('boss', `10.0.0.${i % 7}`);
};
const summaries = () => entries.filter((e) => e.type === 'auth.login_failures');
const single = () => entries.filter((e) => e.type === 'auth.login');

describe('the failed-login trail', () => {
  it('writes the minute’s count when the minute ends, with nothing further coming', () => {
    fail(LOGIN_FAILURES_EACH_PER_MINUTE + 9);
    expect(summaries()).toEqual([]);
    now += 59_000;
    vi.advanceTimersByTime(59_000);
    expect(summaries()).toEqual([]);
    now += 1_000;
    vi.advanceTimersByTime(1_000);
    expect(summaries().map((e) => e.data.count)).toEqual([9]);
    expect(summaries()[0].data.addresses).toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts a new minute when the clock is set back, instead of counting for hours', () => {
    fail(LOGIN_FAILURES_EACH_PER_MINUTE + 5);
    now -= 8 * 60 * 60_000; // the clock corrected from UTC to +08:00's meaning, say
    fail(LOGIN_FAILURES_EACH_PER_MINUTE + 5);
    expect(summaries().map((e) => e.data.count)).toEqual([5]);
    expect(single()).toHaveLength(2 * LOGIN_FAILURES_EACH_PER_MINUTE);
    vi.advanceTimersByTime(60_000);
    expect(summaries().map((e) => e.data.count)).toEqual([5, 5]);
  });

  it('at shutdown writes what it counted, then each late failure alone, and leaves no timer', () => {
    fail(LOGIN_FAILURES_EACH_PER_MINUTE + 3);
    trail.stop();
    expect(summaries().map((e) => e.data.count)).toEqual([3]);
    fail(4);
    expect(single()).toHaveLength(LOGIN_FAILURES_EACH_PER_MINUTE + 4);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps devices apart: their own entry and summary types, usernames bounded and printable', () => {
    const devices = new LoginFailureTrail(standIn(), DEVICE_LOGINS);
    const long = `kiosk-${'9'.repeat(500)}`;
    for (let i = 0; i < LOGIN_FAILURES_EACH_PER_MINUTE + 2; i++)
      devices.failed(i ? long : 'led\u001bboard', '10.0.0.9');
    devices.flush();
    expect(entries.map((e) => e.type)).toEqual([
      ...Array(LOGIN_FAILURES_EACH_PER_MINUTE).fill('device.login'),
      'device.login_failures',
    ]);
    expect(entries[0].data).toEqual({
      username: 'led\ufffdboard',
      ok: false,
      reason: 'bad credentials',
      address: '10.0.0.9',
    });
    expect(entries.at(-1)!.data.mostUsernames).toEqual([{ username: `${long.slice(0, 64)}…`, count: 2 }]);
    expect(shownUsername('\ud800x')).toBe('\ufffdx'); // a lone surrogate would not survive the log's JSON
  });

  it('masks an ID or mobile number typed as the username, in the entry and the summary', () => {
    for (let i = 0; i < LOGIN_FAILURES_EACH_PER_MINUTE + 1; i++) trail.failed('13912345679', '10.0.0.1');
    trail.failed('445302198803155279', '10.0.0.1');
    trail.flush();
    expect(single()[0].data.username).toBe('139****5679');
    expect(summaries()[0].data.mostUsernames).toEqual([
      { username: '139****5679', count: 1 },
      { username: '4****************9', count: 1 },
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/13912345679|445302198803155279/);
  });
});
