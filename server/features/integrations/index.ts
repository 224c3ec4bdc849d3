/**
 * The outside systems HallQ is a client of, one adapter each — the appointment platform, the SMS gateway, the
 * registration system's probe — built from the environment (each off while its URL is unset), and their health for
 * GET /integrations. Nothing outside these folders knows the outside APIs.
 */
import type { EventBus } from '../../core/event-bus.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { IntegrationsEnv } from '../../config/integrations-env.js';
import type { Db } from '../../store/db.js';
import type { HealthView } from './health.js';
import { PlatformAdapter } from './platform/platform-adapter.js';
import { RegistrationProbe } from './registration/registration-probe.js';
import { SmsGateway } from './sms/sms-api.js';
import { SmsOutbox } from './sms/sms-outbox.js';
import { SmsRequests } from './sms/sms-requests.js';
import { ensureIntegrationTables } from './tables.js';

export type { HealthView } from './health.js';
export { PlatformAdapter } from './platform/platform-adapter.js';
export { RegistrationProbe } from './registration/registration-probe.js';
export { SmsOutbox } from './sms/sms-outbox.js';
export { SmsRequests } from './sms/sms-requests.js';
export { renderSms, SMS_TEMPLATES } from './sms/sms-templates.js';

export interface Integrations {
  features: Feature[];
  /** GET /integrations: each system's health. */
  view(): { platform: HealthView; sms: HealthView; registration: HealthView };
}

export function buildIntegrations(hall: HallService, db: Db, bus: EventBus, env: IntegrationsEnv): Integrations {
  ensureIntegrationTables(db);
  const timeoutMs = Math.round(env.INTEGRATION_TIMEOUT_SECONDS * 1000);
  // Aborted first at a stop (features stop in reverse): a call under way (INTEGRATION_TIMEOUT_SECONDS up to 120 s)
  // would otherwise hold the stop past the service manager's patience, and the hall would be killed mid-stop.
  const stopping = new AbortController();
  const outsideCalls: Feature = { name: 'outside-calls', start: () => undefined, stop: () => stopping.abort() };
  const common = { timeoutMs, stopping: stopping.signal };
  const platform = new PlatformAdapter(
    hall,
    db,
    bus,
    env.PLATFORM_URL ? { url: env.PLATFORM_URL, token: env.PLATFORM_TOKEN, ...common } : undefined,
    Math.round(env.PLATFORM_SYNC_SECONDS * 1000),
  );
  const registration = new RegistrationProbe(
    hall,
    bus,
    env.REGISTRATION_PROBE_URL
      ? {
          target: { url: env.REGISTRATION_PROBE_URL, ...common },
          expectedStatus: env.REGISTRATION_PROBE_STATUS,
          intervalMs: Math.round(env.REGISTRATION_PROBE_SECONDS * 1000),
          failureMs: Math.round(env.REGISTRATION_FAILURE_MINUTES * 60_000),
        }
      : undefined,
  );
  const sms = new SmsOutbox(
    hall,
    db,
    bus,
    env.SMS_URL ? new SmsGateway({ url: env.SMS_URL, token: env.SMS_TOKEN, ...common }) : undefined,
    { perMinute: env.SMS_PER_MINUTE, perNumberPerHour: env.SMS_PER_NUMBER_PER_HOUR },
  );
  const smsRequests = new SmsRequests(hall, bus, env.SMS_REMINDER_CRON, !!env.SMS_URL);
  return {
    features: [platform, registration, sms, smsRequests, outsideCalls],
    view: () => ({
      platform: { ...platform.health.view(), skippedBookings: platform.sync.skipped } as HealthView,
      sms: sms.health.view(),
      registration: registration.health.view(),
    }),
  };
}
