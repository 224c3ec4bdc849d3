/** What the acceptance receipt shows, from the hall file and the live state. */
import type { CaseReceiptInput } from '../../../devices/ticket/index.js';
import type { HallService } from '../../core/hall-service.js';
import type { Case } from '../../domain/types.js';

/** The public look-up page behind the receipt's QR code. */
export function caseLookupUrl(publicUrl: string, caseNumber: string): string {
  return `${publicUrl.replace(/\/$/, '')}/case?n=${encodeURIComponent(caseNumber)}`;
}

export function caseReceiptInput(hall: HallService, k: Case, publicUrl: string): CaseReceiptInput {
  const service = hall.hallFile.services.find((s) => s.id === k.serviceId);
  const counter = hall.hallFile.counters.find((c) => c.id === k.counterId);
  return {
    hallName: hall.hallFile.hall.name,
    serviceName: service?.name ?? k.serviceId,
    ticketNumber: hall.state.tickets.get(k.ticketId)?.number ?? '',
    caseNumber: k.number,
    counterName: counter?.name ?? k.counterId,
    acceptedOn: k.acceptedOn,
    dueOn: k.dueOn,
    deadlineWorkdays: service?.deadlineWorkdays ?? 0,
    lookupUrl: publicUrl ? caseLookupUrl(publicUrl, k.number) : '',
  };
}
