/** The city's read model: idempotent by (site, seq), early events wait for the ones before them, figures by day. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CityEvent } from '../../protocol/city.js';
import { cityEventSchema } from '../../server/city/message-schema.js';
import { CityReadModel, DUPLICATE_MS, MAX_PENDING_PER_SITE, OFFLINE_AFTER_MS } from '../../server/city/read-model.js';

const dirs: string[] = [];
function model(dir = mkdtempSync(join(tmpdir(), 'hallq-city-'))): CityReadModel {
  dirs.push(dir);
  return new CityReadModel(dir);
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const T0 = Date.UTC(2026, 10, 30, 1, 0);
/** A site's day: three tickets, a counter opened, one served, one no-show, a playbook on. Seqs with gaps (audits). */
function day(site: string): CityEvent[] {
  const e: Array<Omit<CityEvent, 'v' | 'site' | 'prev'>> = [
    { seq: 2, at: T0, type: 'hall.day_started', day: '2026-11-30' },
    { seq: 4, at: T0 + 1000, type: 'counter.status', counterId: '1', status: 'open', staffId: 'u_1' },
    ...[1, 2, 3].map((i) => ({
      seq: 4 + i,
      at: T0 + 2000 * i,
      type: 'ticket.issued' as const,
      ticketId: `t${i}`,
      number: `A00${i}`,
      serviceId: 'one-window',
      day: '2026-11-30',
      ticketStatus: 'waiting',
    })),
    { seq: 9, at: T0 + 60_000, type: 'ticket.called', ticketId: 't1', counterId: '1' },
    { seq: 10, at: T0 + 70_000, type: 'ticket.started', ticketId: 't1', counterId: '1' },
    { seq: 11, at: T0 + 130_000, type: 'ticket.finished', ticketId: 't1', counterId: '1', serviceMs: 60_000 },
    { seq: 12, at: T0 + 140_000, type: 'ticket.called', ticketId: 't2', counterId: '1' },
    { seq: 13, at: T0 + 150_000, type: 'ticket.no_show', ticketId: 't2', counterId: '1' },
    { seq: 15, at: T0 + 160_000, type: 'emergency.changed', active: ['typhoon'] },
  ];
  return e.map((x, i) => ({ v: 1, site, prev: i === 0 ? 0 : e[i - 1].seq, ...x }) as CityEvent);
}

describe('the city read model', () => {
  it('rebuilds a site from a newer sending of its log, and passes over an older one', () => {
    const m = model();
    for (const e of day('a')) m.applyEvent(e, T0 + 200_000);
    expect(m.sites()[0]).toMatchObject({ waiting: 1, servedToday: 1, openCounters: 1, active: ['typhoon'] });
    // Sent again under a new epoch (its time), from seq 1: only the day's start and one ticket so far.
    const epoch = T0 + 250_000;
    const again = day('a').slice(0, 1).concat(day('a')[2]);
    again[1] = { ...again[1], prev: 2 };
    for (const e of again) m.applyEvent({ ...e, epoch, catchUpTo: 15 }, T0 + 300_000);
    // Not there yet (the site's head was 15 when it began): rebuilding, and out of the citizens' summary.
    m.markSeen('a', T0 + 300_000);
    expect(m.sites(T0 + 300_000)[0]).toMatchObject({ waiting: 1, servedToday: 0, openCounters: 0, active: [] });
    expect(m.sites(T0 + 300_000)[0].rebuilding).toBe(true);
    expect(m.summary(T0 + 300_000)).toEqual([]);
    m.applyEvent({ ...day('a')[10], prev: 5, epoch }, T0 + 300_000);
    expect(m.sites(T0 + 300_000)[0].rebuilding).toBe(false);
    expect(m.summary(T0 + 300_000).map((x) => x.id)).toEqual(['a']);
    // The old sending's events still in the stream change nothing; each says the site sends under an older epoch.
    const stale: string[] = [];
    m.onStale = (site) => stale.push(site);
    for (const e of day('a')) expect(m.applyEvent(e, T0 + 300_000)).toBe(0);
    expect(stale.length).toBe(day('a').length);
    expect(m.epochOf('a')).toBe(epoch);
    expect(m.sites()[0]).toMatchObject({ waiting: 1, servedToday: 0 });
    expect(m.hasGap('a')).toBe(false);
    expect(m.sites(T0 + 300_000)[0].duplicate).toBe(false); // stragglers made before the new sending began
    // An event of the old sending made well after the new one began: a second source sends as this site.
    const seen: string[] = [];
    m.onDuplicate = (site) => seen.push(site);
    const late = { ...day('a')[2], seq: 40, prev: 15, at: epoch + 5 * 60_000 };
    expect(m.applyEvent(late, T0 + 400_000)).toBe(0);
    expect(seen).toEqual(['a']);
    expect(m.sites(T0 + 400_000)[0].duplicate).toBe(true);
    expect(m.sites(T0 + 400_000 + DUPLICATE_MS)[0].duplicate).toBe(false);
  });

  it('keeps at most MAX_PENDING_PER_SITE of a site’s events waiting for one that never comes', () => {
    const m = model();
    for (const e of day('a').slice(0, 2)) m.applyEvent(e, T0);
    // Events whose predecessor never arrives (a site's login sending junk that fits the stream's 2 KiB).
    const orphan = (i: number): CityEvent => ({
      v: 1,
      site: 'a',
      seq: 1000 + 2 * i,
      prev: 999 + 2 * i,
      at: T0,
      type: 'ticket.called',
      ticketId: `x${i}`,
    });
    for (let i = 0; i < MAX_PENDING_PER_SITE + 50; i++) m.applyEvent(orphan(i), T0);
    expect(m.db.prepare('SELECT COUNT(*) FROM pending WHERE site = ?').pluck().get('a')).toBe(MAX_PENDING_PER_SITE);
    expect(m.hasGap('a')).toBe(true); // so the site is asked for its log again
  });

  it('tells a site whose clock is off from one with a backlog, and does not count the skew as lag', () => {
    const m = model();
    const [start, open] = day('a');
    const T = T0 + 3_600_000;
    // Site a is an hour behind: its live events are sent, by its clock, an hour before they are stored.
    m.applyEvent({ ...start, at: T - 3_600_000, sentAt: T - 3_600_000 + 5 }, T + 10, T);
    m.applyEvent({ ...open, at: T - 3_599_000, sentAt: T - 3_599_000 + 5 }, T + 1010, T + 1000);
    // Site b's clock is right: a backlog of ten minutes, sent now, then live events.
    const [bStart, bOpen, bIssued] = day('b');
    m.applyEvent({ ...bStart, at: T - 600_000, sentAt: T - 5 }, T + 10, T);
    m.applyEvent({ ...bOpen, at: T - 300_000, sentAt: T + 5 }, T + 20, T + 10);
    const site = (id: string) => m.sites(T + 2000).find((x) => x.id === id)!;
    expect(site('b')).toMatchObject({ clockSkewSeconds: null, lagSeconds: 300 }); // still catching up
    m.applyEvent({ ...bIssued, at: T + 1000, sentAt: T + 1001 }, T + 1060, T + 1050);
    expect(site('b')).toMatchObject({ clockSkewSeconds: null, lagSeconds: 0 });
    expect(site('a')).toMatchObject({ clockSkewSeconds: -3600, lagSeconds: 0 });
  });

  it('takes every event a site sends, and drops what is not one (no seq, a huge field, prev after seq)', () => {
    for (const e of day('a')) expect(cityEventSchema.safeParse(e).success).toBe(true);
    const good = day('a')[2];
    const { seq: _seq, ...noSeq } = good;
    for (const bad of [
      noSeq,
      { ...good, number: 'x'.repeat(900_000) },
      { ...good, prev: good.seq },
      { ...good, type: 'other' },
    ])
      expect(cityEventSchema.safeParse(bad).success).toBe(false);
  });

  it('counts a site’s day once, however often and in whatever order its events come', () => {
    const m = model();
    const events = day('a');
    m.applyInfo({ v: 1, site: 'a', name: '六都镇便民服务点', kind: 'point' });
    // Out of order, then every one again: early ones wait, repeats are passed over.
    for (const e of [...events].reverse()) m.applyEvent(e, T0 + 200_000);
    for (const e of events) m.applyEvent(e, T0 + 200_000);
    const [site] = m.sites();
    expect(site).toEqual({
      id: 'a',
      name: '六都镇便民服务点',
      kind: 'point',
      waiting: 1,
      servedToday: 1,
      openCounters: 1,
      active: ['typhoon'],
      lastEventAt: T0 + 160_000,
      lagSeconds: 40,
      clockSkewSeconds: null,
      online: false,
      lastSeenAt: null,
      duplicate: false,
      rebuilding: false,
    });
    expect(m.days()).toEqual([
      {
        day: '2026-11-30',
        issued: 3,
        served: 1,
        noShow: 1,
        cancelled: 0,
        avgWaitMinutes: 1.6,
        avgServiceMinutes: 1,
      },
    ]);
    m.close();
  });

  it('keeps its figures across a restart and adds sites up by day', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-city-'));
    const m = model(dir);
    for (const e of day('a')) m.applyEvent(e, T0);
    m.close();
    const again = new CityReadModel(dir);
    for (const e of [...day('a'), ...day('b')]) again.applyEvent(e, T0);
    expect(again.sites().map((s) => [s.id, s.waiting, s.servedToday])).toEqual([
      ['a', 1, 1],
      ['b', 1, 1],
    ]);
    expect(again.days()[0]).toMatchObject({ issued: 6, served: 2, noShow: 2 });
    again.close();
  });

  it('a new day clears the waiting and closes the counters', () => {
    const m = model();
    const events = day('a');
    for (const e of events) m.applyEvent(e, T0);
    m.applyEvent(
      { v: 1, site: 'a', seq: 20, prev: 15, at: T0 + 86_400_000, type: 'hall.day_started', day: '2026-12-01' },
      T0,
    );
    expect(m.sites()[0]).toMatchObject({ waiting: 0, servedToday: 0, openCounters: 0 });
    m.close();
  });

  it('carries a site’s location into the summary, keeps it across a restart, and drops one out of range', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-city-'));
    const m = model(dir);
    m.applyInfo({
      v: 1,
      site: 'a',
      name: '云浮市不动产登记中心',
      kind: 'hall',
      location: { lat: 22.929, lng: 112.044 },
    });
    m.applyInfo({ v: 1, site: 'b', name: '六都镇便民服务点', kind: 'point' });
    m.applyInfo({ v: 1, site: 'c', name: 'c', kind: 'point', location: { lat: 95, lng: 112 } });
    m.close();
    const again = model(dir);
    for (const site of ['a', 'b', 'c']) again.markSeen(site, Date.now());
    const byId = Object.fromEntries(again.summary().map((s) => [s.id, s]));
    expect(byId.a.location).toEqual({ lat: 22.929, lng: 112.044 });
    expect(byId.b).not.toHaveProperty('location');
    expect(byId.c).not.toHaveProperty('location');
    again.close();
  });

  it('keeps one source of a site id and flags a second one at the same epoch', () => {
    const m = model();
    const flagged: string[] = [];
    m.onDuplicate = (site) => flagged.push(site);
    for (const e of day('a')) m.applyEvent({ ...e, src: 'hall-1' }, T0);
    const first = m.sites(T0)[0];
    // Another hall set up with the same id: its own seqs, its own src, epoch 0 too.
    for (const e of day('a'))
      expect(m.applyEvent({ ...e, seq: e.seq + 100, prev: e.prev + 100, src: 'hall-2' }, T0)).toBe(0);
    expect(flagged.length).toBeGreaterThan(0);
    expect(m.sites(T0)[0]).toMatchObject({ waiting: first.waiting, servedToday: first.servedToday, duplicate: true });
    // A newer sending of the second (it took the city's resend) holds the view from then on.
    m.applyEvent({ ...day('a')[0], epoch: T0 + 1000, src: 'hall-2' }, T0 + 2000);
    expect(m.sites(T0 + 2000)[0]).toMatchObject({ waiting: 0, servedToday: 0 });
  });

  it('tells a site whose link is down, and leaves it out of the citizens’ summary', () => {
    const m = model();
    m.applyInfo({ v: 1, site: 'up', name: 'up', kind: 'hall' });
    m.applyInfo({ v: 1, site: 'down', name: 'down', kind: 'point' });
    m.markSeen('up', T0);
    m.markSeen('down', T0 - OFFLINE_AFTER_MS);
    expect(m.sites(T0).map((s) => [s.id, s.online, s.lastSeenAt])).toEqual([
      ['up', true, T0],
      ['down', false, T0 - OFFLINE_AFTER_MS],
    ]);
    expect(m.summary(T0).map((s) => s.id)).toEqual(['up']);
    expect(m.summary(T0 + OFFLINE_AFTER_MS).map((s) => s.id)).toEqual([]);
    m.close();
  });

  it('opens a read model made before sites had a location', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-city-'));
    const old = new Database(join(dir, 'city.sqlite'));
    old.exec(`CREATE TABLE sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'hall',
      last_seq INTEGER NOT NULL DEFAULT 0, last_event_at INTEGER, lag_ms INTEGER, day TEXT, active TEXT NOT NULL DEFAULT '[]');
      INSERT INTO sites (id, name) VALUES ('a', 'a');`);
    old.close();
    const m = model(dir);
    m.markSeen('a', Date.now());
    expect(m.summary()[0]).not.toHaveProperty('location');
    m.applyInfo({ v: 1, site: 'a', name: 'a', kind: 'hall', location: { lat: 22.9, lng: 112 } });
    expect(m.summary()[0].location).toEqual({ lat: 22.9, lng: 112 });
    m.close();
  });
});
