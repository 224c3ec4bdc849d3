/**
 * The hall file as amended (docs/city.md): the file on disk plus the amendments recorded in the log (`hall.amended`),
 * the newest of each year's calendar and each service's materials. Pure: the live state holds the amendments, and
 * everything that reads the hall file reads this effective one.
 */
import type { HallAmendment } from '../../protocol/city.js';
import type { HallFile } from '../config/hall-schema.js';
import type { PlaybookCause } from './playbooks.js';

/** Who amended and when: only the city for now. */
export interface AmendmentMark {
  at: number;
  cause: Extract<PlaybookCause, { by: 'city' }>;
}

/** The amendments in force: one per calendar year, one per service's materials (the newest replaces the older). */
export interface HallAmendments {
  calendar: Record<string, { holidays: string[]; workdays: string[] } & AmendmentMark>;
  materials: Record<string, { materials: string[] } & AmendmentMark>;
}

export const NO_AMENDMENTS: HallAmendments = { calendar: {}, materials: {} };

/** The amendments after `a` (a new object: the effective hall is cached by identity). */
export function withAmendment(
  current: HallAmendments | undefined,
  a: HallAmendment,
  mark: AmendmentMark,
): HallAmendments {
  const base = current ?? NO_AMENDMENTS;
  if (a.kind === 'calendar')
    return {
      ...base,
      calendar: { ...base.calendar, [a.year]: { holidays: [...a.holidays], workdays: [...a.workdays], ...mark } },
    };
  return { ...base, materials: { ...base.materials, [a.serviceId]: { materials: [...a.materials], ...mark } } };
}

/** The hall file with the amendments in force: an amended year's calendar entries replace the file's for that year. */
export function effectiveHall(file: HallFile, a: HallAmendments | undefined): HallFile {
  if (!a) return file;
  const years = Object.keys(a.calendar);
  const materials = a.materials;
  if (years.length === 0 && Object.keys(materials).length === 0) return file;
  const outside = (d: string) => !years.includes(d.slice(0, 4));
  const amended = (pick: 'holidays' | 'workdays') =>
    years
      .sort()
      .flatMap((y) => a.calendar[y][pick])
      .concat(file.calendar[pick].filter(outside))
      .sort();
  return {
    ...file,
    calendar: { ...file.calendar, holidays: amended('holidays'), workdays: amended('workdays') },
    services: file.services.map((s) => (materials[s.id] ? { ...s, materials: [...materials[s.id].materials] } : s)),
  };
}

/** Whether `a` would change nothing in `hall` (a directive read twice is then refused, not recorded again). */
export function amendmentChangesNothing(hall: HallFile, a: HallAmendment): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (a.kind === 'materials')
    return same(hall.services.find((s) => s.id === a.serviceId)?.materials ?? [], a.materials);
  const inYear = (d: string) => d.startsWith(`${a.year}-`);
  return (
    same(hall.calendar.holidays.filter(inYear).sort(), [...a.holidays].sort()) &&
    same(hall.calendar.workdays.filter(inYear).sort(), [...a.workdays].sort())
  );
}
