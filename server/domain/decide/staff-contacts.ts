/** A staff member's mobile and duties (who a playbook notifies): set by a manager, the number sealed at once. */
import { mainlandMobile, STAFF_DUTIES, type StaffDuty } from '../../../protocol/staff.js';
import { refuse } from '../errors.js';
import { maskPhone } from '../identity.js';
import type { HallState, StaffContact } from '../types.js';
import type { DecideContext, Decision } from './context.js';

export interface SetStaffContactCommand {
  staffId: string;
  /** A mainland mobile; null removes it; absent keeps the one on file. */
  phone?: string | null;
  /** The whole list of duties; absent keeps them. */
  duties?: StaffDuty[];
}

export function setStaffContact(ctx: DecideContext, state: HallState, cmd: SetStaffContactCommand): Decision {
  const before: StaffContact = state.staff?.[cmd.staffId] ?? { duties: [] };
  const contact: StaffContact = { ...before, duties: cmd.duties ? normalDuties(cmd.duties) : before.duties };
  if (cmd.phone === null) {
    delete contact.phoneSealed;
    delete contact.phoneMasked;
  } else if (cmd.phone !== undefined) {
    const digits = mainlandMobile(cmd.phone);
    if (!digits) throw refuse.badInput('INVALID_PHONE', 'not a mainland mobile number (11 digits, 13x to 19x)');
    contact.phoneSealed = ctx.seal(digits);
    contact.phoneMasked = maskPhone(digits);
  }
  return { events: [{ type: 'staff.contact_set', data: { staffId: cmd.staffId, contact } }] };
}

/** Known duties only, each once, in the enum's order (so equal lists are equal). */
function normalDuties(duties: readonly string[]): StaffDuty[] {
  for (const d of duties)
    if (!(STAFF_DUTIES as readonly string[]).includes(d))
      throw refuse.badInput('INVALID_DUTY', `unknown duty ${d}; one of ${STAFF_DUTIES.join(', ')}`);
  return STAFF_DUTIES.filter((d) => duties.includes(d));
}
