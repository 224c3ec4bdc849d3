/** The manager's alerts about playbooks: one per active playbook (whom it says to notify), one per open proposal. */
import type { Alert } from '../../../protocol/alerts.js';
import { activePlaybooks, drillText, notifyRolesOf, type ActivePlaybook } from '../../domain/playbooks.js';
import type { ApiDeps } from '../deps.js';

/** `; notify: manager, security (4 staff, SMS to 3, 1 without a mobile)`, or without counts after a restart. */
function notifyText(deps: ApiDeps, active: ActivePlaybook): string {
  const roles = notifyRolesOf(deps.hall.hallFile.playbooks.find((p) => p.id === active.playbookId));
  if (roles.length === 0) return '';
  const n = deps.playbookNotified?.(active.playbookId);
  if (!n || n.startedAt !== active.startedAt) return `; notify: ${roles.join(', ')}`;
  const sms = n.smsOn ? `SMS to ${n.sms}` : 'SMS off';
  return `; notify: ${roles.join(', ')} (${n.staff} staff, ${sms}, ${n.noPhone} without a mobile)`;
}

export function playbookAlerts(deps: ApiDeps): Alert[] {
  const { hall } = deps;
  const out = activePlaybooks(hall.state).map((active): Alert => ({
    kind: 'emergency.active',
    severity: 'critical',
    playbookId: active.playbookId,
    message: `playbook ${drillText(active.name, active.drill)} is active${notifyText(deps, active)}`,
    since: new Date(active.startedAt).toISOString(),
  }));
  for (const p of deps.proposals?.list() ?? []) {
    const name = hall.hallFile.playbooks.find((x) => x.id === p.playbookId)?.name ?? p.playbookId;
    out.push({
      kind: 'emergency.proposed',
      severity: 'critical',
      playbookId: p.playbookId,
      message: `a ${p.cause.by} trigger proposes playbook ${name}: confirm or dismiss`,
      since: new Date(p.proposedAt).toISOString(),
    });
  }
  return out;
}
