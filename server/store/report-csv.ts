/**
 * A report as one CSV table for a spreadsheet: a row for the hall, then each service, counter, staff member (and day,
 * monthly), the same columns throughout. UTF-8 with a byte-order mark, so Excel shows the Chinese names.
 */
import { OUT_OF_TURN_CATEGORIES } from '../../protocol/codes.js';
import type { Figures, HallReport } from './hall-report.js';

const COLUMNS = [
  'scope',
  'id',
  'name',
  'issued',
  'served',
  'noShow',
  'cancelled',
  'closedAtDayEnd',
  'waitP50Minutes',
  'waitP90Minutes',
  'avgServiceMinutes',
  'outOfTurnTotal',
  ...OUT_OF_TURN_CATEGORIES.map((c) => `outOfTurn_${c}`),
  'ratingsCount',
  'ratingsAverage',
  'ratingsPoor',
  'slotOffered',
];

/** Quotes a field when it needs it; a leading = + - @ is defused, so a name cannot become a spreadsheet formula. */
function field(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function row(scope: string, id: string, name: string | null, f: Figures): string {
  return [
    scope,
    id,
    name,
    f.issued,
    f.served,
    f.noShow,
    f.cancelled,
    f.closedAtDayEnd,
    f.waitP50Minutes,
    f.waitP90Minutes,
    f.avgServiceMinutes,
    f.outOfTurn.total,
    ...OUT_OF_TURN_CATEGORIES.map((c) => f.outOfTurn[c]),
    f.ratings.count,
    f.ratings.average,
    f.ratings.poor,
    f.slotOffered ?? null,
  ]
    .map(field)
    .join(',');
}

export function reportCsv(r: HallReport): string {
  const lines = [
    COLUMNS.join(','),
    row('hall', r.hallId, r.period, r.totals),
    ...r.byService.map((s) => row('service', s.serviceId, s.name, s)),
    ...r.byCounter.map((c) => row('counter', c.counterId, c.name, c)),
    ...r.byStaff.map((s) => row('staff', s.staffId, s.name, s)),
    ...(r.byDay ?? []).map((d) => row('day', d.day, null, d)),
  ];
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
