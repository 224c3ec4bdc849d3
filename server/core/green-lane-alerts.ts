/**
 * Green-lane tickets counter staff issued today. A green ticket goes ahead of everyone (the published rule), so one
 * given to a friend cuts the whole queue with nothing on the board to show it. The manager sees each clerk's, with
 * the numbers; the audit log holds each issue with its reason, if one was given. A manager's own are not listed.
 */
import type { Alert } from '../../protocol/alerts.js';
import type { HallState, Ticket } from '../domain/types.js';

export function greenLaneAlerts(state: HallState, staffName: (id: string) => string | undefined): Alert[] {
  const byStaff = new Map<string, Ticket[]>();
  for (const t of state.tickets.values()) {
    if (t.priority !== 'green' || !t.issuerStaffId) continue;
    const list = byStaff.get(t.issuerStaffId);
    if (list) list.push(t);
    else byStaff.set(t.issuerStaffId, [t]);
  }
  return [...byStaff].map(([staffId, tickets]): Alert => {
    tickets.sort((a, b) => a.seq - b.seq);
    const name = staffName(staffId);
    return {
      kind: 'tickets.green_lane',
      severity: 'warning',
      staffId,
      staffName: name,
      numbers: tickets.map((t) => t.number),
      message:
        `${name ?? staffId} issued ${tickets.length} green-lane ticket(s) today, each ahead of everyone waiting: ` +
        tickets.map((t) => t.number).join(', '),
      since: new Date(tickets[0].issuedAt).toISOString(),
    };
  });
}
