/** `GET /alerts`: what needs the manager's attention now. Every source of alerts builds this one shape. */

export type AlertSeverity = 'warning' | 'critical';

export type AlertKind =
  | 'device.offline'
  | 'device.faulty'
  | 'mqtt.broker_down'
  | 'mqtt.reload_failed'
  | 'printer.problem'
  | 'printer.paper_low'
  | 'emergency.active'
  | 'emergency.proposed'
  | 'integration.down'
  | 'catch-up.pending'
  | 'audit.chain_broken'
  | 'audit.checkpoint_rejected'
  | 'backup.failed'
  | 'backup.overdue'
  | 'followup.open'
  | 'case.overdue'
  | 'case.due_today'
  | 'calendar.missing_year'
  | 'prereview.due_soon'
  | 'prereview.overdue'
  | 'counter.quick_finishes'
  | 'tickets.green_lane';

export interface Alert<K extends AlertKind = AlertKind> {
  kind: K;
  severity: AlertSeverity;
  message: string;
  /** ISO time (or `YYYY-MM-DD` for a case's due day) since when it holds. */
  since?: string;
  deviceId?: string;
  playbookId?: string;
  counterId?: string;
  caseNumber?: string;
  /** The tickets it is about (`counter.quick_finishes`, `tickets.green_lane`). */
  numbers?: string[];
  /** The staff member it is about (`tickets.green_lane`: who issued them). */
  staffId?: string;
  staffName?: string;
}
