// Prints an instant as the hall's wall-clock time.

/** 'YYYY-MM-DD HH:mm' of the instant in the given IANA zone. Throws on a bad instant or zone. */
export function formatLocalTime(isoInstant: string, timezone: string): string {
  const instant = new Date(isoInstant);
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError(`not an ISO instant: ${isoInstant}`);
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23', // never '24:05' at midnight
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
