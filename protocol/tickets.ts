/** Tickets and follow-ups as the HTTP API returns them. */
import type { OutOfTurnCategory, Priority, TicketStatus } from './codes.js';

export interface TicketView {
  id: string;
  number: string;
  serviceId: string;
  serviceName: string;
  status: TicketStatus;
  priority: Priority;
  /** A `PriorityReason` code, or staff's own words; never on the holder's page. */
  priorityReason?: string;
  channel: string;
  issuedAt: string;
  /** 1 = next in its service's queue; null once it is no longer waiting. */
  position: number | null;
  ahead: number | null;
  etaMinutes: number | null;
  /** Only for whoever issued or serves it. */
  verifyCode?: string;
  counterId?: string;
  counterName?: string;
  calledAt?: string;
  startedAt?: string;
  finishedAt?: string;
  recalls: number;
  late?: boolean;
  appointmentId?: string;
  outOfTurn?: { category: OutOfTurnCategory };
  phone?: string;
  /** Staff only: taken with an ID number, which `POST /tickets/:id/check-holder` checks the person at the window against. */
  idBound?: boolean;
  rated?: boolean;
  /** Still waiting when extended service ended: the slot booked for the holder and its check-in code. */
  offeredSlot?: { slotStart: string; slotEnd: string; code: string };
}

/** GET /followups: a low rating the manager answers. */
export interface FollowUpView {
  id: string;
  ticketId: string;
  number: string;
  counterId?: string;
  staffId?: string;
  score: number;
  comment?: string;
  openedAt: string;
  answer?: string;
  /** Who answered (a user id). */
  answeredBy?: string;
  answeredAt: string | null;
  open: boolean;
}
