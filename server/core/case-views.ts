/** How a case is shown: to staff (with its counter and ids), and to the public look-up (nothing personal). */
import { hallDay } from '../domain/clock.js';
import { casesNeedingAttention } from './case-alerts.js';
import type { HallService } from './hall-service.js';
import { isDueToday, isOverdue } from '../domain/decide/cases.js';
import type { Case } from '../domain/types.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** For staff: the contract's `case` fields plus where and when it was accepted and completed. */
export function caseView(k: Case, today: string) {
  return {
    id: k.id,
    number: k.number,
    serviceId: k.serviceId,
    acceptedOn: k.acceptedOn,
    dueOn: k.dueOn,
    status: k.status,
    overdue: isOverdue(k, today),
    dueToday: isDueToday(k, today),
    counterId: k.counterId,
    completedAt: iso(k.completedAt),
  };
}

/** For anyone holding the number (receipt, kiosk, phone): no ids, no counter, no staff, no personal data. */
export function publicCaseView(k: Case, today: string) {
  return { number: k.number, serviceId: k.serviceId, status: k.status, dueOn: k.dueOn, overdue: isOverdue(k, today) };
}

/** A counter's own cases due today or overdue (its console's 超期预警). */
export function counterCases(hall: HallService, counterId: string) {
  const today = hallDay(hall.clock(), hall.site.timezone);
  return casesNeedingAttention(hall.state, today, counterId).map((k) => caseView(k, today));
}
