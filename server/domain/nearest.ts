/** Orders the city's other sites for a citizen: nearest first when both ends have a location, else quietest first. */
import type { CitySummarySite, GeoPoint } from '../../protocol/city.js';

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** The great-circle (haversine) distance in km between two points. */
export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const isPoint = (p: unknown): p is GeoPoint =>
  typeof p === 'object' &&
  p !== null &&
  Number.isFinite((p as GeoPoint).lat) &&
  Number.isFinite((p as GeoPoint).lng) &&
  Math.abs((p as GeoPoint).lat) <= 90 &&
  Math.abs((p as GeoPoint).lng) <= 180;

/**
 * The other sites than `selfId`, at most `max`: those with a location by distance from `here` (with `distanceKm`,
 * one decimal), then those without one quietest first. Without `here`, all quietest first, as before locations.
 */
export function orderNearby(
  sites: readonly CitySummarySite[],
  selfId: string,
  here: GeoPoint | undefined,
  max = 10,
): CitySummarySite[] {
  const others = sites.filter((s) => s.id !== selfId);
  const quietest = (a: CitySummarySite, b: CitySummarySite) => a.etaMinutes - b.etaMinutes;
  if (!here || !isPoint(here))
    return others
      .map(({ distanceKm: _d, ...s }) => s)
      .sort(quietest)
      .slice(0, max);
  const located: Array<CitySummarySite & { exact: number }> = [];
  const unlocated: CitySummarySite[] = [];
  for (const { distanceKm: _d, ...s } of others) {
    if (isPoint(s.location)) {
      const exact = greatCircleKm(here, s.location);
      located.push({ ...s, exact, distanceKm: Math.round(exact * 10) / 10 });
    } else unlocated.push(s);
  }
  located.sort((a, b) => a.exact - b.exact || quietest(a, b));
  return [...located.map(({ exact: _e, ...s }) => s), ...unlocated.sort(quietest)].slice(0, max);
}
