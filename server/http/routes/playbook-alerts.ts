/** The manager's alerts about playbooks: one per active playbook (whom it says to notify), one per open proposal. */
import type { Alert } from '../../../protocol/alerts.js';
import { activePlaybooks, drillText } from '../../domain/playbooks.js';
import type { ApiDeps } from '../deps.js';

export function playbookAlerts(deps: ApiDeps): Alert[] {
  const { hall } = deps;
  const out = activePlaybooks(hall.state).map((active): Alert => {
    const playbook = hall.hallFile.playbooks.find((p) => p.id === active.playbookId);
    const notify = playbook?.actions.flatMap((a) => ('notify' in a ? a.notify : [])) ?? [];
    return {
      kind: 'emergency.active',
      severity: 'critical',
      playbookId: active.playbookId,
      message: `playbook ${drillText(active.name, active.drill)} is active${notify.length ? `; notify: ${notify.join(', ')}` : ''}`,
      since: new Date(active.startedAt).toISOString(),
    };
  });
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
