/**
 * The appointment platform's adapter against its msw stand-in: bookings arrive page by page as appointments through
 * the write path, once each; failures of every kind leave the hall working and the sync resuming from its cursor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformMode } from '../../scripts/lib/integrations-sim/platform-standin.js';
import type { TestHall } from '../helpers/test-hall.js';
import { SKIPS_AUDITED_PER_RUN } from '../../server/features/integrations/platform/booking-sync.js';
import { auditAll, expectOk, manualClock, MONDAY_10, V1 } from '../api/support.js';
import {
  appointments,
  booking,
  hallWithPlatform,
  integrations,
  PLATFORM_URL,
  platformServer,
} from './platform-harness.js';

const clock = manualClock(MONDAY_10);
const { platform, server } = platformServer(clock.clock);
let h: TestHall | undefined;

beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());
afterEach(async () => {
  server.resetHandlers();
  await h?.stop();
  h = undefined;
  platform.versions.length = 0;
  platform.events.length = 0;
  platform.requests.length = 0;
  platform.mode = 'up';
  platform.pageSize = 50;
  clock.set(MONDAY_10);
});

const booked = (list: any[]) => list.filter((a) => a.status === 'booked');
const created = async (hall: TestHall) => (await auditAll(hall, 'type=appointment.created')).length;

describe('appointment platform sync', () => {
  it('takes every booking page by page until an empty page, each as one appointment with its bookingId', async () => {
    const s = await hallWithPlatform(clock);
    h = s.h;
    platform.pageSize = 2;
    for (let i = 1; i <= 5; i++) platform.put(booking(`b-${i}`, i));
    platform.requests.length = 0;
    await s.adapter.runNow();
    // The cursor of the empty page at start was '0'.
    expect(platform.requests).toEqual(['0', '2', '4', '5']);
    const list = await appointments(h);
    expect(list.map((a) => a.bookingId).sort()).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5']);
    expect(list[0].code).toBe('4000000001');
    expect(list[0].phone).not.toContain('13800138000');
    const health = (await integrations(h)).platform;
    expect(health).toMatchObject({ configured: true, ok: true, lastError: null, backlog: 0 });
    expect(health.lastSuccessAt).toBe(new Date(clock.now).toISOString());
    // The citizen checks in with the booking's code.
    const checkIn = await h.api('POST', `${V1}/appointments/check-in`, { code: '4000000001' }, h.managerToken);
    expect(checkIn.status).toBe(409); // 14:00 is too early at 10:00: the appointment exists and answers by its code
    expect(checkIn.body.error.code).toBe('TOO_EARLY');
  });

  it('keeps a booking whose phone no SMS can reach, without the phone; a written-out mobile as its 11 digits', async () => {
    const s = await hallWithPlatform(clock);
    h = s.h;
    platform.put(booking('b-land', 1, '14:00', { phone: '0766-1234567' }));
    platform.put(booking('b-long', 2, '14:00', { phone: '9'.repeat(40) }));
    platform.put(booking('b-mobile', 3, '14:00', { phone: '+86 139-0000-1234' }));
    await s.adapter.runNow();
    const byBooking = Object.fromEntries((await appointments(h)).map((a) => [a.bookingId, a]));
    for (const id of ['b-land', 'b-long']) {
      expect(byBooking[id].status).toBe('booked');
      expect(byBooking[id].phone).toBeUndefined();
    }
    expect(byBooking['b-mobile']).toMatchObject({ status: 'booked', phone: '139****1234' });
  });

  it('the same booking twice changes nothing', async () => {
    const s = await hallWithPlatform(clock);
    h = s.h;
    const b = platform.put(booking('b-1', 1));
    platform.putRaw({ ...b });
    await s.adapter.runNow();
    platform.putRaw({ ...b });
    await s.adapter.runNow();
    expect((await appointments(h)).length).toBe(1);
    expect(await created(h)).toBe(1);
  });

  it('a booking that changes is moved, and once cancelled is cancelled', async () => {
    const s = await hallWithPlatform(clock);
    h = s.h;
    platform.put(booking('b-1', 1, '14:00'));
    await s.adapter.runNow();
    platform.put(booking('b-1', 1, '15:00'));
    await s.adapter.runNow();
    let mine = booked(await appointments(h));
    expect(mine).toHaveLength(1);
    expect(mine[0].slotStart).toBe('2026-03-02T07:00:00.000Z');
    expect(mine[0].code).toBe('4000000001');
    platform.cancel('b-1');
    await s.adapter.runNow();
    mine = await appointments(h);
    expect(booked(mine)).toHaveLength(0);
    expect(mine.every((a) => a.bookingId === 'b-1' && a.status === 'cancelled')).toBe(true);
    // Seen again later, nothing comes back.
    platform.putRaw({ ...(platform.versions.at(-1) as object) });
    await s.adapter.runNow();
    expect(booked(await appointments(h))).toHaveLength(0);
  });

  it('weighs the versions of one booking in one page against each other: an older or equal one is passed over', async () => {
    const s = await hallWithPlatform(clock);
    h = s.h;
    const older = platform.put(booking('b-old', 1));
    const cancelled = { ...older, status: 'cancelled', updatedAt: '2026-03-02T02:00:00.000Z' };
    const equal = platform.put(booking('b-eq', 2));
    // In one page: the cancel first, then the older "booked"; and a cancel, then a "booked" of the same time.
    platform.versions.length = 0;
    platform.putRaw(cancelled);
    platform.putRaw({ ...older, updatedAt: '2026-03-02T01:00:00.000Z' });
    platform.putRaw({ ...equal, status: 'cancelled', updatedAt: '2026-03-02T01:30:00.000Z' });
    platform.putRaw({ ...equal, status: 'booked', updatedAt: '2026-03-02T01:30:00.000Z' });
    await s.adapter.runNow();
    expect(booked(await appointments(h))).toEqual([]);
  });

  it('skips and audits a malformed booking, or one with a bad ID number, and goes on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-platform-skips-'));
    let s = await hallWithPlatform(clock, dataDir);
    h = s.h;
    platform.putRaw({ bookingId: 'bad-1', code: 'x' });
    platform.put(booking('bad-2', 2, '14:00', { idNumber: '110105198001010010' }));
    platform.put(booking('bad-3', 3, '14:00', { serviceCode: 'no-such-service' }));
    platform.put(booking('bad-4', 5, '14:00', { serviceCode: '13912345678' })); // free text quoted in the reason
    platform.put(booking('good', 4));
    await s.adapter.runNow();
    expect((await appointments(h)).map((a) => a.bookingId)).toEqual(['good']);
    const skipped = await auditAll(h, 'type=integration.booking_skipped');
    expect(skipped.map((e) => e.data.bookingId).sort()).toEqual(['bad-1', 'bad-2', 'bad-3', 'bad-4']);
    expect(JSON.stringify(skipped)).not.toContain('110105198001010010');
    expect(JSON.stringify(skipped)).not.toContain('13912345678');
    expect((await integrations(h)).platform).toMatchObject({ ok: true, skippedBookings: 4 });
    // Counted across a restart, not only since the start.
    await h.stop();
    s = await hallWithPlatform(clock, dataDir);
    h = s.h;
    expect((await integrations(h)).platform).toMatchObject({ skippedBookings: 4 });
    await h.stop();
    h = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('audits at most SKIPS_AUDITED_PER_RUN skipped bookings a run, counts the rest, and never one version twice', async () => {
    const s = await hallWithPlatform(clock);
    h = s.h;
    platform.pageSize = 500;
    const bad = (i: number) => ({ bookingId: `bad-${i}`, updatedAt: '2026-03-01T08:00:00Z', code: 'x' });
    for (let i = 0; i < SKIPS_AUDITED_PER_RUN + 50; i++) platform.putRaw(bad(i));
    platform.put(booking('good', 1));
    const before = (await auditAll(h)).length;
    await s.adapter.runNow();
    const skipped = await auditAll(h, 'type=integration.booking_skipped');
    expect(skipped.filter((e) => e.data.bookingId)).toHaveLength(SKIPS_AUDITED_PER_RUN);
    expect(skipped.filter((e) => !e.data.bookingId)).toMatchObject([{ data: { more: 50 } }]);
    expect((await integrations(h)).platform.skippedBookings).toBe(SKIPS_AUDITED_PER_RUN + 50);
    expect((await appointments(h)).map((a) => a.bookingId)).toEqual(['good']);
    // The platform sends the same malformed versions again: passed over, not audited again.
    for (let i = 0; i < 10; i++) platform.putRaw(bad(i));
    await s.adapter.runNow();
    expect(await auditAll(h, 'type=integration.booking_skipped')).toHaveLength(skipped.length);
    expect((await auditAll(h)).length - before).toBeLessThan(SKIPS_AUDITED_PER_RUN + 20);
  });

  const failures: Array<[PlatformMode, RegExp]> = [
    ['unreachable', /unreachable/],
    ['slow', /no answer within 300 ms/],
    ['error-5xx', /HTTP 503/],
    ['token-expired', /HTTP 401/],
    ['malformed', /malformed answer/],
  ];
  for (const [mode, error] of failures)
    it(`keeps the hall working when the platform is ${mode}, and catches up from the cursor`, async () => {
      const s = await hallWithPlatform(clock);
      h = s.h;
      platform.put(booking('b-1', 1));
      await s.adapter.runNow();
      platform.put(booking('b-2', 2));
      platform.mode = mode;
      platform.slowMs = 1500;
      await s.adapter.runNow();
      clock.advance(5);
      const health = (await integrations(h)).platform;
      expect(health.ok).toBe(false);
      expect(health.lastError).toMatch(error);
      expect(health.failingForSeconds).toBe(300);
      expectOk(await h.api('POST', `${V1}/tickets`, { serviceId: 'one-window' }, h.managerToken), 201);
      platform.mode = 'up';
      await s.adapter.runNow();
      expect((await appointments(h)).map((a) => a.bookingId).sort()).toEqual(['b-1', 'b-2']);
      expect(await created(h)).toBe(2);
      expect((await integrations(h)).platform).toMatchObject({ ok: true, failingForSeconds: null });
    });

  it('a restart mid-sync, even between an appointment and its bookkeeping, takes each booking once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-platform-'));
    try {
      let s = await hallWithPlatform(clock, dataDir);
      h = s.h;
      platform.pageSize = 2;
      for (let i = 1; i <= 6; i++) platform.put(booking(`b-${i}`, i));
      let pages = 0;
      // The platform fails after two pages: the hall stops there, mid-sync.
      server.use(
        http.get(`${PLATFORM_URL}/halls/:hallId/bookings`, () =>
          ++pages > 2 ? HttpResponse.json({}, { status: 502 }) : undefined,
        ),
      );
      await s.adapter.runNow();
      expect((await appointments(h)).length).toBe(4);
      await h.stop();
      // As if killed after the appointments were written but before the adapter noted them or moved its cursor.
      const db = new Database(join(dataDir, 'hallq.sqlite'));
      db.prepare("DELETE FROM platform_bookings WHERE booking_id IN ('b-3', 'b-4')").run();
      db.prepare("UPDATE integration_state SET value = '2' WHERE key = 'platform.cursor'").run();
      db.close();
      server.resetHandlers();
      s = await hallWithPlatform(clock, dataDir);
      h = s.h;
      await s.adapter.runNow();
      expect((await appointments(h)).map((a) => a.bookingId).sort()).toEqual([
        'b-1',
        'b-2',
        'b-3',
        'b-4',
        'b-5',
        'b-6',
      ]);
      expect(await created(h)).toBe(6);
      // Found again as the appointments they already are, not refused as duplicates.
      expect(await auditAll(h, 'type=integration.booking_skipped')).toEqual([]);
    } finally {
      await h?.stop();
      h = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('after an hour of outage everything is caught up exactly once, both ways', async () => {
    const s = await hallWithPlatform(clock);
    h = s.h;
    const staff = await h.staffAt('1');
    const signals: any[] = [];
    h.running.hall.bus.on('integration.health', (p) => signals.push(p));
    platform.put(booking('b-early', 1, '10:10'));
    await s.adapter.runNow();
    platform.mode = 'error-5xx';
    const outageStart = clock.now;
    // During the hour: new bookings on the platform, a check-in and a service in the hall; the sync keeps failing.
    for (let minute = 5; minute <= 60; minute += 5) {
      clock.advance(5);
      platform.put(booking(`b-${minute}`, 100 + minute, '15:00'));
      if (minute === 10) {
        expectOk(await h.api('POST', `${V1}/appointments/check-in`, { code: '4000000001' }, h.managerToken), 201);
        expectOk(await h.api('POST', `${V1}/counters/1/call-next`, {}, staff));
        expectOk(await h.api('POST', `${V1}/counters/1/start`, {}, staff));
        expectOk(await h.api('POST', `${V1}/counters/1/finish`, {}, staff));
      }
      await s.adapter.runNow();
    }
    const during = (await integrations(h)).platform;
    // Failing since the first run after the platform went down, five minutes into the hour.
    expect(during).toMatchObject({ ok: false, failingForSeconds: 55 * 60, backlog: 2 });
    expect(signals[0]).toMatchObject({ system: 'platform', ok: false, since: outageStart + 5 * 60_000 });
    platform.mode = 'up';
    await s.adapter.runNow();
    await s.adapter.runNow();
    expect((await appointments(h)).filter((a) => a.bookingId).length).toBe(13);
    expect(await created(h)).toBe(13);
    expect(platform.events.map((e) => `${e.bookingId}/${e.type}`)).toEqual(['b-early/checked-in', 'b-early/served']);
    expect((await integrations(h)).platform).toMatchObject({ ok: true, backlog: 0 });
    expect(signals.at(-1)).toMatchObject({ system: 'platform', ok: true, since: clock.now });
  });

  it('sends after a restart what a power cut kept out of the outbox, and a no-show the hall recorded itself', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-platform-'));
    try {
      let s = await hallWithPlatform(clock, dataDir);
      h = s.h;
      platform.put(booking('b-in', 1, '10:10'));
      platform.put(booking('b-away', 2, '10:20'));
      await s.adapter.runNow();
      platform.mode = 'error-5xx'; // nothing goes out before the "power cut"
      expectOk(await h.api('POST', `${V1}/appointments/check-in`, { code: '4000000001' }, h.managerToken), 201);
      await s.adapter.runNow();
      await h.stop();
      h = undefined;
      // The cut came between the check-in's commit and its outbox row.
      const db = new Database(join(dataDir, 'hallq.sqlite'));
      expect(db.prepare('DELETE FROM platform_outbox').run().changes).toBe(1);
      db.close();

      platform.mode = 'up';
      clock.advance(60); // past b-away's late window: the hall records its no-show
      s = await hallWithPlatform(clock, dataDir);
      h = s.h;
      await (h.running.features.find((f) => f.name === 'day-rules') as unknown as { tick(): Promise<void> }).tick();
      await s.adapter.runNow();
      await s.adapter.runNow();
      expect(platform.events.map((e) => `${e.bookingId}/${e.type}`).sort()).toEqual([
        'b-away/no-show',
        'b-in/checked-in',
      ]);
      await h.stop();
      h = undefined;
      s = await hallWithPlatform(clock, dataDir);
      h = s.h;
      await s.adapter.runNow();
      expect(platform.events).toHaveLength(2); // once each, across the restart
    } finally {
      await h?.stop();
      h = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
