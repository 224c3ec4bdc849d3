/** The kiosk's state (one visitor's way through the screens) and the actions its views call. */
import type { PriorityReason } from '../../protocol/codes.js';
import type { ServiceView } from '../../protocol/hall.js';
import type { TicketView } from '../../protocol/tickets.js';

export type Screen = 'home' | 'service' | 'checkin' | 'done';
export type CheckinMode = 'code' | 'id';

/** What the kiosk shows of a ticket it issued or checked in. */
export type IssuedTicket = Pick<
  TicketView,
  'id' | 'number' | 'serviceId' | 'serviceName' | 'priority' | 'ahead' | 'etaMinutes' | 'verifyCode' | 'late'
>;

export interface KioskState {
  screen: Screen;
  /** Elderly mode: bigger type, fewer choices. */
  large: boolean;
  service: ServiceView | null;
  idNumber: string;
  reason: PriorityReason | null;
  ticket: IssuedTicket | null;
  /** The paper ticket's SVG as a blob URL, when it came in time. */
  ticketImage: string | null;
  busy: boolean;
  checkin: { mode: CheckinMode; value: string };
}

export function initialState(): KioskState {
  return {
    screen: 'home',
    large: false,
    service: null,
    idNumber: '',
    reason: null,
    ticket: null,
    ticketImage: null,
    busy: false,
    checkin: { mode: 'code', value: '' },
  };
}

export interface KioskActions {
  render(): void;
  goHome(): void;
  openService(id: string): void;
  openCheckin(): void;
  setCheckinMode(mode: CheckinMode): void;
  /** The check-in field's new value (keys, keyboard or ID reader). */
  typeCheckin(value: string): void;
  openKeypad(): void;
  setId(id: string): void;
  toggleReason(reason: PriorityReason): void;
  issue(): void;
  checkin(body: { code?: string; idNumber?: string }): void;
}

/** Whether the check-in field holds something to send: six digits of a code, or 18 characters of an ID number. */
export function checkinReady(c: KioskState['checkin']): boolean {
  return c.mode === 'code' ? /^(\d{6}|\d{10})$/.test(c.value) : c.value.length === 18;
}

/** The check-in request for what was typed. */
export function checkinBody(c: KioskState['checkin']): { code?: string; idNumber?: string } {
  return c.mode === 'code' ? { code: c.value } : { idNumber: c.value };
}
