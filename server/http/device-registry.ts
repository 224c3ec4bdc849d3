/** Hooks for features that care about devices being added or removed (the MQTT broker's rights, say). */
import type { Device } from '../store/accounts.js';

export interface DeviceRegistry {
  added?(device: Device): void;
  removed?(deviceId: string): void;
}
