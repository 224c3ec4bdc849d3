/** What the HTTP routes need from the rest of the server. */
import type { NotifySummary } from '../core/playbook-views.js';
import type { CitySummary } from '../../protocol/city.js';
import type { HallService } from '../core/hall-service.js';
import type { Accounts } from '../store/accounts.js';
import type { BackupDesk } from '../store/backup-status.js';
import type { DeviceRegistry } from './device-registry.js';
import type { LoginFailureTrail } from '../security/login-failure-trail.js';
import type { KnownBrowsers } from './routes/known-browsers.js';
import type { QueryTrail } from './query-trail.js';
import type { ProposalBook } from '../core/proposal-book.js';
import type { Presence } from '../ws/screen-presence.js';

export interface ApiDeps {
  hall: HallService;
  accounts: Accounts;
  /** Optional hooks that features (MQTT, printing) register to learn about devices. */
  devices?: DeviceRegistry;
  /** The hall's own backups (absent in tests that build the app alone). */
  backups?: BackupDesk;
  /** Reads of personal data, batched into the audit log (absent: each written at once). */
  queryTrail?: QueryTrail;
  /** Browsers staff logged in from, whose logins go first in the password line (absent: none does). */
  knownBrowsers?: KnownBrowsers;
  /** Failed staff logins, bounded in the audit log (absent: each written at once). */
  loginFailures?: LoginFailureTrail;
  /** Failed device logins to the embedded MQTT broker, counted like the staff's. */
  deviceLoginFailures?: LoginFailureTrail;
  /** What playbook triggers set to `propose` ask a manager (absent: nothing is proposed). */
  proposals?: ProposalBook;
  /** A registered screen's live streams open now (absent: screens are online only by MQTT, as in app-only tests). */
  screenPresence?: (deviceId: string) => Presence | undefined;
  /** The server's link to an external MQTT broker, while down: since when, and the broker's last refusal or error. */
  mqttDown?: () => { since: number; error?: string } | undefined;
  /** The external broker's last reload command failed (since when, and why): devices added since are refused. */
  brokerReloadFailed?: () => { since: number; error: string } | undefined;
  /** Outside systems their adapters report down (`integration.health`), with since when. */
  outages?: () => Array<{ system: string; since: number; minutes: number }>;
  /** Whom an active playbook's `notify` reached in this run: staff named, texted, without a mobile. */
  playbookNotified?: (playbookId: string) => NotifySummary | undefined;
  /** The latest drills' reports, newest first. */
  drillReports?: () => unknown[];
  publicUrl: string;
  /** The hall's own reverse proxies (HALLQ_TRUSTED_PROXIES): their X-Forwarded-For names the client. */
  trustedProxies?: ReadonlySet<string>;
  version: string;
  /** The outside systems' health (GET /integrations), from the integrations feature. */
  integrations?: () => Record<'platform' | 'sms' | 'registration', object>;
  /** With a city link: the other sites' waiting and estimated wait (docs/city.md). */
  city?: { nearby(): CitySummary };
}
