/** The WebSocket stream (GET /ws): a snapshot, then events in order, each with its stream `seq`; heartbeats between. */
import type { CounterStatus, DeviceKind, OutOfTurnCategory, Priority, TicketStatus } from './codes.js';
import type { EmergencyView, HallView, PlaybooksStateView } from './hall.js';

/** A ticket inside a stream event. `id` only for hall devices and staff, `verifyCode` only for staff. */
export interface StreamTicket {
  id?: string;
  number: string;
  serviceId: string;
  status: TicketStatus;
  priority: Priority;
  counterId?: string;
  outOfTurn?: { category: OutOfTurnCategory };
  recalls: number;
  verifyCode?: string;
}

/** One member per type (a union of types is spread out), so `e.type === …` narrows to exactly that event. */
type Base<T extends string> = T extends string
  ? {
      type: T;
      /** When it happened, by the server's clock. */
      at: string;
    }
  : never;

/** Every event the stream carries, told apart by `type`. Ids of people's things only for hall devices and staff. */
export type StreamEvent =
  | (Base<'ticket.issued'> & { ticket?: StreamTicket })
  | (Base<'ticket.called'> & {
      counterId: string;
      outOfTurn: { category: OutOfTurnCategory } | null;
      ticket?: StreamTicket;
    })
  | (Base<'ticket.recalled' | 'ticket.started' | 'ticket.finished' | 'ticket.no_show'> & {
      counterId: string;
      ticket?: StreamTicket;
    })
  | (Base<'ticket.reinstated' | 'ticket.cancelled' | 'ticket.slot_offered'> & { ticket?: StreamTicket })
  | (Base<'counter.takeover_requested'> & {
      counterId: string;
      reason: 'paused' | 'signed-out';
      waiting: number;
      /** Staff only: the usernames asked to take over (A/B post). */
      backupStaff?: string[];
    })
  | (Base<'hall.extended_service'> & { phase: 'started' | 'ended'; until: string })
  | (Base<'ticket.transferred'> & {
      fromServiceId: string;
      toServiceId: string;
      counterId?: string;
      ticket?: StreamTicket;
    })
  | (Base<'counter.status'> & {
      counterId: string;
      status: CounterStatus;
      pauseReason: string | null;
      change: 'sign-in' | 'sign-out' | 'open' | 'close' | 'pause' | 'resume';
      staffName: string | null;
    })
  | (Base<'emergency.changed'> & {
      active: EmergencyView | null;
      previous: string | null;
      /** v2: what changed, and the whole active set after it. */
      change?: { kind: 'activated' | 'deactivated' | 'acknowledged'; playbookId: string };
      playbooks?: PlaybooksStateView;
    })
  | (Base<'hall.day_started'> & { day: string })
  | (Base<'day.numbers_reserved'> & { day: string })
  | (Base<'ticket.pending_system' | 'ticket.caught_up'> & { ticketId?: string })
  | (Base<'appointment.created'> & { serviceId: string; appointmentId?: string })
  | (Base<'appointment.checked_in' | 'appointment.cancelled' | 'appointment.no_show'> & { appointmentId?: string })
  | (Base<'evaluation.recorded'> & { counterId?: string; score: number; ticketId?: string })
  | (Base<'followup.opened'> & { followUpId?: string; counterId?: string; score: number })
  | (Base<'followup.answered'> & { followUpId?: string })
  | (Base<'device.status'> & {
      deviceId: string;
      kind: DeviceKind;
      online: boolean;
      status: Record<string, unknown> | null;
    })
  | (Base<'case.opened'> & { caseId?: string; counterId: string; serviceId: string; dueOn: string })
  | (Base<'case.completed'> & { caseId?: string })
  | (Base<'prereview.submitted'> & { prereviewId?: string; serviceId: string; dueAt: string })
  | (Base<'prereview.answered'> & { prereviewId?: string })
  | (Base<'homevisit.booked'> & { visitId?: string; serviceId: string; date: string })
  | (Base<'homevisit.closed'> & { visitId?: string; status: 'done' | 'cancelled' })
  /** The city amended the hall file (a year's calendar, a service's materials): GET /hall has the new figures. */
  | (Base<'hall.amended'> & { kind: 'calendar' | 'materials'; serviceId?: string })
  /** A staff member's mobile or duties changed: staff see whose, nobody sees the number. */
  | (Base<'staff.contact_set'> & { staffId?: string });

export type StreamEventType = StreamEvent['type'];

export interface SnapshotMessage {
  type: 'snapshot';
  seq: number;
  state: HallView;
}

export interface EventMessage {
  type: 'event';
  seq: number;
  event: StreamEvent;
}

/** Sent every 20 s: a sign of life. `seq` is the stream's head; it is not an event and never advances seq. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  seq: number;
}

/**
 * Sent to managers' streams when a trigger's proposals change (proposed, confirmed, dismissed, lapsed, withdrawn):
 * they are not hall state and have no seq of their own, so this only says "GET /emergency again"; `seq` is the head.
 */
export interface ProposalsChangedMessage {
  type: 'proposals.changed';
  seq: number;
}

export type ServerMessage = SnapshotMessage | EventMessage | HeartbeatMessage | ProposalsChangedMessage;
