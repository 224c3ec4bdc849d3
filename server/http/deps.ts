/** What the HTTP routes need from the rest of the server. */
import type { CitySummary } from '../../protocol/city.js';
import type { HallService } from '../core/hall-service.js';
import type { Accounts } from '../store/accounts.js';
import type { DeviceRegistry } from './device-registry.js';

export interface ApiDeps {
  hall: HallService;
  accounts: Accounts;
  /** Optional hooks that features (MQTT, printing) register to learn about devices. */
  devices?: DeviceRegistry;
  publicUrl: string;
  version: string;
  /** With a city link: the other sites' waiting and estimated wait (docs/city.md). */
  city?: { nearby(): CitySummary };
}
