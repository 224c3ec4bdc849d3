/** What the HTTP routes need from the rest of the server. */
import type { HallService } from '../core/hall-service.js';
import type { Accounts } from '../store/accounts.js';
import type { DeviceRegistry } from './device-registry.js';
import type { ProposalBook } from '../features/playbooks/proposals.js';

export interface ApiDeps {
  hall: HallService;
  accounts: Accounts;
  /** Optional hooks that features (MQTT, printing) register to learn about devices. */
  devices?: DeviceRegistry;
  /** What playbook triggers set to `propose` ask a manager (absent: nothing is proposed). */
  proposals?: ProposalBook;
  /** Outside systems their adapters report down (`integration.health`), with since when. */
  outages?: () => Array<{ system: string; since: number; minutes: number }>;
  /** The latest drills' reports, newest first. */
  drillReports?: () => unknown[];
  publicUrl: string;
  version: string;
}
