/** Whom a playbook's `notify` names: pure, from the staff accounts, their contacts and the hall file's A/B posts. */
import type { NotifyRole } from '../../../protocol/staff.js';
import type { HallFile } from '../../config/hall-schema.js';
import type { StaffContact } from '../../domain/types.js';
import type { StaffAccount } from '../../store/accounts.js';

/**
 * The enabled staff any of `roles` names: `manager` is every manager; a duty is every staff member with it, and
 * `standby` also every username a counter names as its backup (A/B post, `backupStaff`).
 */
export function staffToNotify(
  roles: readonly NotifyRole[],
  staff: readonly StaffAccount[],
  contacts: Readonly<Record<string, StaffContact>> | undefined,
  hall: HallFile,
): StaffAccount[] {
  const backups = new Set(hall.counters.flatMap((c) => c.backupStaff));
  const named = (a: StaffAccount, role: NotifyRole) =>
    role === 'manager'
      ? a.role === 'manager'
      : !!contacts?.[a.id]?.duties.includes(role) || (role === 'standby' && backups.has(a.username));
  return staff.filter((a) => !a.disabled && roles.some((r) => named(a, r)));
}
