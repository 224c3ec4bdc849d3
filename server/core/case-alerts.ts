/** 超期预警 and the calendar's warning: what the manager's alerts and a counter's console show about deadlines. */
import type { Alert } from '../../protocol/alerts.js';
import type { HallFile } from '../config/hall-schema.js';
import { calendarCoversYear } from '../domain/calendar.js';
import { hallDay } from '../domain/clock.js';
import { isDueToday, isOverdue } from '../domain/decide/cases.js';
import { prereviewClock } from '../domain/decide/prereviews.js';
import type { Case, HallState } from '../domain/types.js';

export type DeadlineAlert = Alert<
  'case.overdue' | 'case.due_today' | 'calendar.missing_year' | 'prereview.due_soon' | 'prereview.overdue'
>;

/** Open cases due today or overdue, the overdue first; for one counter when `counterId` is given. */
export function casesNeedingAttention(state: HallState, today: string, counterId?: string): Case[] {
  const out: Case[] = [];
  for (const k of state.cases.values())
    if ((isOverdue(k, today) || isDueToday(k, today)) && (!counterId || k.counterId === counterId)) out.push(k);
  return out.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.acceptedAt - b.acceptedAt);
}

/**
 * The warning shown when the calendar has nothing for this year, or in December for the next one (a deadline opened
 * then runs into January, and is fixed when the case is opened): deadlines then count weekends only.
 */
export function calendarWarning(hall: HallFile, now: number): string | undefined {
  const today = hallDay(now, hall.hall.timezone);
  const year = Number(today.slice(0, 4));
  const years = today.slice(5, 7) === '12' ? [year, year + 1] : [year];
  const missing = years.map(String).filter((y) => !calendarCoversYear(hall, y));
  if (missing.length === 0) return undefined;
  return `the hall file's calendar has no holidays or make-up working days for ${missing.join(' and ')}: deadlines count weekends only; fill it from the State Council's holiday notice`;
}

export function deadlineAlerts(hall: HallFile, state: HallState, now: number): DeadlineAlert[] {
  const today = hallDay(now, hall.hall.timezone);
  const alerts: DeadlineAlert[] = casesNeedingAttention(state, today).map((k) =>
    isOverdue(k, today)
      ? {
          kind: 'case.overdue',
          severity: 'critical',
          counterId: k.counterId,
          caseNumber: k.number,
          message: `case ${k.number} (${k.serviceId}) accepted at counter ${k.counterId} was due ${k.dueOn} and is overdue`,
          since: k.dueOn,
        }
      : {
          kind: 'case.due_today',
          severity: 'warning',
          counterId: k.counterId,
          caseNumber: k.number,
          message: `case ${k.number} (${k.serviceId}) accepted at counter ${k.counterId} is due today`,
          since: k.dueOn,
        },
  );
  // 网上预审: 24 hours from submission; warned in its last four hours.
  for (const r of [...state.prereviews.values()].sort((a, b) => a.dueAt - b.dueAt)) {
    if (r.answeredAt) continue;
    const clock = prereviewClock(r, now);
    if (clock === 'ok') continue;
    alerts.push({
      kind: clock === 'overdue' ? 'prereview.overdue' : 'prereview.due_soon',
      severity: clock === 'overdue' ? 'critical' : 'warning',
      message:
        clock === 'overdue'
          ? `online pre-review ${r.reference} (${r.serviceId}) is past its 24 hours`
          : `online pre-review ${r.reference} (${r.serviceId}) must be answered by ${new Date(r.dueAt).toISOString()}`,
      since: new Date(r.submittedAt).toISOString(),
    });
  }
  const calendar = calendarWarning(hall, now);
  if (calendar) alerts.push({ kind: 'calendar.missing_year', severity: 'warning', message: calendar });
  return alerts;
}
