// Prints an instant as the hall's wall-clock time.
import { localTime } from '../../server/domain/clock.js';

/** 'YYYY-MM-DD HH:mm' of the instant in the given IANA zone. Throws on a bad instant or zone. */
export function formatLocalTime(isoInstant: string, timezone: string): string {
  const instant = new Date(isoInstant);
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError(`not an ISO instant: ${isoInstant}`);
  }
  const { date, hh, mm } = localTime(instant.getTime(), timezone);
  return `${date} ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
}
