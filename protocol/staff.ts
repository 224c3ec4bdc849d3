/** Staff duties and whom a playbook's `notify` names, and the mainland mobile check: shared by server and screens. */

/** What a staff member may be on call for besides their role (a playbook's `notify` names these). */
export const STAFF_DUTIES = ['security', 'first-aid', 'standby'] as const;
export type StaffDuty = (typeof STAFF_DUTIES)[number];

/** Whom a playbook may notify: every manager, or the staff with one duty. */
export const NOTIFY_ROLES = ['manager', ...STAFF_DUTIES] as const;
export type NotifyRole = (typeof NOTIFY_ROLES)[number];

/** A mainland mobile number: 11 digits from 13x to 19x, optionally +86 first; spaces and dashes between are allowed. */
const MAINLAND_MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;

/** The 11 digits of a mainland mobile number, or undefined when `text` is not one. */
export function mainlandMobile(text: string): string | undefined {
  const compact = text.trim().replace(/[ -]/g, '');
  return MAINLAND_MOBILE.test(compact) ? compact.slice(-11) : undefined;
}

/** A staff account as GET /staff lists it: the phone only masked (138****8000), never in clear. */
export interface StaffView {
  id: string;
  username: string;
  name: string;
  role: 'manager' | 'counter';
  disabled: boolean;
  phone: string | null;
  duties: StaffDuty[];
}
