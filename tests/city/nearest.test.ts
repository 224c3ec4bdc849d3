/** "Nearest" sites for a citizen: by great-circle distance when both ends have a location, else quietest first. */
import { describe, expect, it } from 'vitest';
import type { CitySummarySite } from '../../protocol/city.js';
import { greatCircleKm, orderNearby } from '../../server/domain/nearest.js';

const HALL = { lat: 22.929, lng: 112.044 };
const site = (id: string, etaMinutes: number, location?: { lat: number; lng: number }): CitySummarySite => ({
  id,
  name: id,
  kind: 'point',
  waiting: etaMinutes,
  openCounters: 1,
  etaMinutes,
  ...(location ? { location } : {}),
});

describe('nearest sites', () => {
  it('measures the great-circle distance (one degree of latitude is about 111.2 km)', () => {
    expect(greatCircleKm({ lat: 22, lng: 112 }, { lat: 23, lng: 112 })).toBeCloseTo(111.2, 1);
    expect(greatCircleKm(HALL, HALL)).toBe(0);
    // Across the antimeridian the short way round, not the long one.
    expect(greatCircleKm({ lat: 0, lng: 179.5 }, { lat: 0, lng: -179.5 })).toBeCloseTo(111.2, 1);
  });

  it('orders located sites nearest first with their distance, then the unlocated ones quietest first', () => {
    const sites = [
      site('self', 0, HALL),
      site('far-quiet', 0, { lat: 23.052, lng: 111.972 }), // 六都, about 15.5 km
      site('near-busy', 40, { lat: 22.935, lng: 112.07 }), // about 2.7 km
      site('unknown-busy', 30),
      site('unknown-quiet', 5),
    ];
    const ordered = orderNearby(sites, 'self', HALL);
    expect(ordered.map((s) => s.id)).toEqual(['near-busy', 'far-quiet', 'unknown-quiet', 'unknown-busy']);
    expect(ordered[0].distanceKm).toBe(2.7);
    expect(ordered[1].distanceKm).toBe(15.5);
    expect(ordered[2].distanceKm).toBeUndefined();
  });

  it('orders quietest first, with no distance, when this site has no location (as before locations)', () => {
    const sites = [
      site('near-busy', 40, { lat: 22.935, lng: 112.07 }),
      site('quiet', 5),
      { ...site('x', 9), distanceKm: 1 },
    ];
    const ordered = orderNearby(sites, 'self', undefined);
    expect(ordered.map((s) => s.id)).toEqual(['quiet', 'x', 'near-busy']);
    expect(ordered.every((s) => s.distanceKm === undefined)).toBe(true);
  });

  it('keeps at most `max` and passes over a location that is not one', () => {
    const bad = { ...site('bad', 1), location: { lat: 91, lng: 'x' } as unknown as { lat: number; lng: number } };
    const many = Array.from({ length: 12 }, (_, i) => site(`s${i}`, i, { lat: 22.93 + i / 100, lng: 112.044 }));
    const ordered = orderNearby([bad, ...many], 'self', HALL);
    expect(ordered).toHaveLength(10);
    expect(ordered.map((s) => s.id)).toEqual(many.slice(0, 10).map((s) => s.id));
    expect(orderNearby([bad, many[0]], 'self', HALL).map((s) => s.id)).toEqual(['s0', 'bad']);
  });
});
