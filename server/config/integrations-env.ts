/** The environment of the outside systems HallQ is a client of (contract v2, integrations): each is off while its URL is unset. */
import { z } from 'zod';

const seconds = (min: number, max: number, dflt: number) => z.coerce.number().min(min).max(max).default(dflt);

/**
 * An outside system's address: http or https only, and no user or password in it — the hall shows where a call
 * failed (GET /integrations, alerts, the log), and credentials go in the *_TOKEN variable, sent as a bearer token.
 */
const outsideUrl = z
  .string()
  .url()
  .refine((u) => ['http:', 'https:'].includes(new URL(u).protocol), { message: 'must be an http:// or https:// URL' })
  .refine((u) => !new URL(u).username && !new URL(u).password, {
    message: 'must not hold a user or password: put the credential in the matching _TOKEN variable',
  })
  .optional();

export const integrationsEnvShape = {
  /** The province's appointment platform. */
  PLATFORM_URL: outsideUrl,
  PLATFORM_TOKEN: z.string().optional(),
  /** How often the platform is asked for new bookings and acknowledgements are retried. */
  PLATFORM_SYNC_SECONDS: seconds(1, 3600, 60),
  /** The SMS gateway. */
  SMS_URL: outsideUrl,
  SMS_TOKEN: z.string().optional(),
  /** Hall-wide and per-number limits: messages per minute, and per number per hour. */
  SMS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(60),
  SMS_PER_NUMBER_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
  /** When appointment reminders for the next day go out (cron, the hall's time zone). */
  SMS_REMINDER_CRON: z.string().default('0 18 * * *'),
  /** The registration system (不动产登记系统): a URL to probe and the status it answers when healthy. */
  REGISTRATION_PROBE_URL: outsideUrl,
  REGISTRATION_PROBE_STATUS: z.coerce.number().int().min(100).max(599).default(200),
  REGISTRATION_PROBE_SECONDS: seconds(1, 3600, 30),
  /** Failing this long (minutes) is an outage: `integration.health` {system: 'registration', ok: false}. */
  REGISTRATION_FAILURE_MINUTES: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(2),
  /** How long any outside call may take before it counts as failed. */
  INTEGRATION_TIMEOUT_SECONDS: seconds(0.05, 120, 10),
};

const integrationsEnvSchema = z.object(integrationsEnvShape);
export type IntegrationsEnv = z.infer<typeof integrationsEnvSchema>;
