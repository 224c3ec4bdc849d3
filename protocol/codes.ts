/** The codes both sides speak: ticket kinds and states, priority reasons, out-of-turn categories, device kinds. */

export type Priority = 'normal' | 'priority' | 'appointment' | 'green';
export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'cancelled';
export type CounterStatus = 'closed' | 'open' | 'paused';
export type IssuingMode = 'normal' | 'appointments-only' | 'paused';

/** Why a ticket is a priority one. The server writes `elderly` itself from an ID number at the hall's elderly age. */
export const PRIORITY_REASONS = ['elderly', 'disabled', 'pregnant', 'infant', 'military', 'other'] as const;
export type PriorityReason = (typeof PRIORITY_REASONS)[number];

/** What kind of out-of-turn call it was: the public board shows this, never the free-text reason. */
export const OUT_OF_TURN_CATEGORIES = ['urgent', 'special-group', 'system-redo', 'manager', 'other'] as const;
export type OutOfTurnCategory = (typeof OUT_OF_TURN_CATEGORIES)[number];

/** Kinds of hall device (`POST /devices`); `integration` is an outside system's token, not a box in the hall. */
export const DEVICE_KINDS = [
  'kiosk',
  'printer',
  'led',
  'speaker',
  'pad',
  'display',
  'button',
  'sensor',
  'integration',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
