/** Reduces a site's log entry to what the city view needs (protocol/city.ts): no identity, name or phone leaves. */
import { CITY_EVENT_TYPES, type CityEvent, type CityEventType } from '../../../protocol/city.js';

const CITY_TYPES: ReadonlySet<string> = new Set(CITY_EVENT_TYPES);

export interface LogRow {
  seq: number;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

export const isCityType = (type: string): type is CityEventType => CITY_TYPES.has(type);

/** The city's view of one entry, or undefined for an entry the city does not need. Field by field, never a spread. */
export function reduceForCity(site: string, prev: number, row: LogRow, epoch = 0): CityEvent | undefined {
  if (!isCityType(row.type)) return undefined;
  const d = row.data;
  const base: CityEvent = {
    v: 1,
    site,
    seq: row.seq,
    prev,
    at: row.at,
    type: row.type,
    ...(epoch > 0 ? { epoch } : {}),
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (row.type) {
    case 'hall.day_started':
      return { ...base, day: str(d.day) };
    case 'ticket.issued': {
      const t = d.ticket as Record<string, unknown>;
      return {
        ...base,
        ticketId: str(t.id),
        number: str(t.number),
        serviceId: str(t.serviceId),
        day: str(t.day),
        ticketStatus: str(t.status),
      };
    }
    case 'ticket.transferred':
      return { ...base, ticketId: str(d.ticketId), serviceId: str(d.toServiceId), counterId: str(d.counterId) };
    case 'ticket.finished':
      return {
        ...base,
        ticketId: str(d.ticketId),
        counterId: str(d.counterId),
        serviceMs: typeof d.serviceMs === 'number' ? d.serviceMs : undefined,
      };
    case 'counter.status':
      return {
        ...base,
        counterId: str(d.counterId),
        status: d.status as CityEvent['status'],
        staffId: str(d.staffId),
      };
    case 'emergency.changed': {
      // One active playbook (v1) or a list of them (v2): the city gets the list of ids either way.
      const raw = d.active as { playbookId?: string } | Array<{ playbookId?: string }> | null;
      const list = raw === null || raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return { ...base, active: list.map((a) => a.playbookId).filter((id): id is string => typeof id === 'string') };
    }
    case 'playbook.activated':
      return { ...base, playbookId: str((d.playbook as Record<string, unknown> | undefined)?.playbookId) };
    case 'playbook.deactivated':
      return { ...base, playbookId: str(d.playbookId) };
    default:
      return { ...base, ticketId: str(d.ticketId), counterId: str(d.counterId) };
  }
}
