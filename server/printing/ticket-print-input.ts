/** What goes on a ticket (paper and on-screen preview), from the live state: the one place that assembles it. */
import type { HallFile } from '../config/hall-schema.js';
import { positionOf } from '../domain/eta.js';
import type { HallState, Ticket } from '../domain/types.js';
import type { TicketPrintInput } from '../../devices/ticket/index.js';

const PRIORITY_LABEL: Record<string, string | undefined> = { priority: '优先', appointment: '预约', green: '绿色通道' };

/** The status page behind the ticket's QR code. */
export function ticketStatusUrl(publicUrl: string, ticketId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/t/${ticketId}`;
}

export function ticketPrintInput(hallFile: HallFile, state: HallState, t: Ticket, publicUrl: string): TicketPrintInput {
  const service = hallFile.services.find((s) => s.id === t.serviceId);
  const pos = positionOf(hallFile, state, t);
  return {
    hallName: hallFile.hall.name,
    hallNameEn: hallFile.hall.nameEn,
    number: t.number,
    serviceName: service?.name ?? t.serviceId,
    serviceNameEn: service?.nameEn,
    ahead: pos?.ahead ?? 0,
    etaMinutes: pos?.etaMinutes ?? 0,
    issuedAt: new Date(t.issuedAt).toISOString(),
    timezone: hallFile.hall.timezone,
    materials: service?.materials ?? [],
    deadlineWorkdays: service?.deadlineWorkdays,
    verifyCode: t.verifyCode,
    statusUrl: ticketStatusUrl(publicUrl, t.id),
    priorityLabel: PRIORITY_LABEL[t.priority],
    late: t.late,
  };
}
