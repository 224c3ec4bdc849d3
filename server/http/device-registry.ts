/** Hooks for features that care about devices (the MQTT side): told of additions and removals, asked about prints. */
import type { Device } from '../store/accounts.js';

export interface PrintOutcome {
  printerId: string | null;
  fallback: boolean;
  reason?: string;
}

export interface DeviceRegistry {
  added?(device: Device): void;
  removed?(deviceId: string): void;
  /** Where a kiosk ticket's print job went (null printer: show the number on screen). */
  printDecisionFor?(ticketId: string): PrintOutcome | undefined;
}
