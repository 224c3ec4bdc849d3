/** What needs the manager's attention now, derived from devices and follow-ups (nothing stored twice). */
import { Hono } from 'hono';
import type { Alert } from '../../../protocol/alerts.js';
import { deadlineAlerts } from '../../core/case-alerts.js';
import { quickFinishAlerts } from '../../core/quick-finish-alerts.js';
import { greenLaneAlerts } from '../../core/green-lane-alerts.js';
import { printerProblem } from '../../store/printer-health.js';
import { devicesNow } from '../devices-now.js';
import type { ApiDeps } from '../deps.js';
import { brokerAlerts } from './broker-alerts.js';
import { outageAlerts } from './outage-alerts.js';
import { playbookAlerts } from './playbook-alerts.js';
import { requireRole, type AppEnv } from '../middleware/auth.js';

export function alertRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();

  app.get('/alerts', (c) => {
    requireRole(c, 'manager');
    const alerts: Alert[] = [];
    for (const d of devicesNow(deps)) {
      if (d.kind === 'integration') continue;
      const since = d.lastSeen ? new Date(d.lastSeen).toISOString() : undefined;
      if (!d.online) {
        alerts.push({
          kind: 'device.offline',
          severity: d.kind === 'printer' || d.kind === 'speaker' ? 'critical' : 'warning',
          deviceId: d.id,
          message: `${d.kind} ${d.id} is offline`,
          since,
        });
        continue;
      }
      if (d.faulty)
        alerts.push({
          kind: 'device.faulty',
          severity: 'critical',
          deviceId: d.id,
          message: `${d.kind} ${d.id} does not acknowledge commands`,
          since,
        });
      if (d.kind === 'printer') {
        const paper = (d.lastStatus as { paper?: string } | undefined)?.paper;
        const problem = printerProblem(d);
        if (problem && problem !== 'not answering')
          alerts.push({
            kind: 'printer.problem',
            severity: 'critical',
            deviceId: d.id,
            message: `printer ${d.id}: ${problem}`,
            since,
          });
        else if (paper === 'low')
          alerts.push({
            kind: 'printer.paper_low',
            severity: 'warning',
            deviceId: d.id,
            message: `printer ${d.id}: paper low`,
            since,
          });
      }
    }
    alerts.push(...brokerAlerts(deps));
    alerts.push(...playbookAlerts(deps));
    alerts.push(...outageAlerts(deps));
    const broken = deps.hall.chainAtStart?.firstBroken;
    if (broken)
      alerts.push({
        kind: 'audit.chain_broken',
        severity: 'critical',
        message: `the audit log does not verify at entry ${broken.seq}: ${broken.reason}`,
      });
    for (const c of deps.hall.rejectedCheckpoints.filter((x) => x.seq >= deps.hall.log.keyedFrom))
      alerts.push({
        kind: 'audit.checkpoint_rejected',
        severity: 'critical',
        message: `checkpoint at entry ${c.seq} not trusted: ${c.reason}`,
      });
    alerts.push(...(deps.backups?.alerts() ?? []));
    const open = [...deps.hall.state.followUps.values()].filter((f) => !f.answeredAt);
    for (const f of open)
      alerts.push({
        kind: 'followup.open',
        severity: 'warning',
        message: `rating ${f.score} for ${f.number} at counter ${f.counterId ?? '?'} needs an answer`,
        since: new Date(f.openedAt).toISOString(),
      });
    alerts.push(...deadlineAlerts(deps.hall.hallFile, deps.hall.state, deps.hall.clock()));
    alerts.push(...quickFinishAlerts(deps.hall.state));
    alerts.push(...greenLaneAlerts(deps.hall.state, (id) => deps.accounts.getUser(id)?.name));
    return c.json({ alerts });
  });

  return app;
}
