/** A hall-file amendment from the city (docs/city.md): refused for a service this hall has not, or when it changes nothing. */
import type { HallAmendment } from '../../../protocol/city.js';
import { bothHolidayAndWorkday, workdaysAlsoHolidays } from '../calendar.js';
import { refuse } from '../errors.js';
import { amendmentChangesNothing, type AmendmentMark } from '../hall-amendments.js';
import type { HallState } from '../types.js';
import type { DecideContext, Decision } from './context.js';

export function amendHall(
  ctx: DecideContext,
  _state: HallState,
  cmd: { amendment: HallAmendment; cause: AmendmentMark['cause'] },
): Decision {
  const a = cmd.amendment;
  if (a.kind === 'materials' && !ctx.hallFile.services.some((s) => s.id === a.serviceId))
    throw refuse.notFound('UNKNOWN_SERVICE', `no service "${a.serviceId}" in this hall`);
  // The hall file's rule: a day cannot be both off and a make-up working day.
  if (a.kind === 'calendar') {
    const [both] = workdaysAlsoHolidays(a.holidays, a.workdays);
    if (both !== undefined) throw refuse.badInput('INVALID_AMENDMENT', bothHolidayAndWorkday(a.workdays[both]));
  }
  if (amendmentChangesNothing(ctx.hallFile, a))
    throw refuse.conflict('ALREADY_AMENDED', 'the hall file already reads so: nothing to change');
  return { events: [{ type: 'hall.amended', data: { amendment: a, cause: cmd.cause, at: ctx.now } }] };
}
