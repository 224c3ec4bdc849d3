/** Reads the process environment of the contract (PORT, HOST, DATA_DIR, HALL_CONFIG, MQTT_URL, …) once, validated. */
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { integrationsEnvShape } from './integrations-env.js';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  HALL_CONFIG: z.string().optional(),
  MQTT_URL: z.string().url().optional(),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  HALLQ_BOOTSTRAP_MANAGER: z
    .string()
    .regex(/^[^:]+:.{8,}$/, 'must be user:password with a password of at least 8 characters')
    .optional(),
  /** `always` keeps the hall open around the clock: for demos and tests outside office hours. */
  HALLQ_HOURS: z.enum(['file', 'always']).default('file'),
  /** Public base URL printed in ticket QR codes; defaults to http://<host>:<port>. */
  HALLQ_PUBLIC_URL: z.string().url().optional(),
  /** With an external broker: a shell command run after HallQ rewrites its Mosquitto passwd/ACL files. */
  MQTT_RELOAD_COMMAND: z.string().optional(),
  /** How long the server waits for a device's ack before resending a command (5 tries, then the device is faulty). */
  HALLQ_COMMAND_RETRY_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  /**
   * The limits on what one address may hold (docs/operations.md, "Limits"): raise them for a hall where many
   * devices share one address; the defaults suit a hall LAN without NAT.
   */
  HALLQ_HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(64).max(100_000).default(4000),
  HALLQ_HTTP_MAX_PER_ADDRESS: z.coerce.number().int().min(4).max(10_000).default(32),
  HALLQ_HTTP_MAX_PER_TRUSTED_ADDRESS: z.coerce.number().int().min(4).max(100_000).default(256),
  HALLQ_MQTT_MAX_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(100),
  /** MQTT connections in all (the last 40 % kept for addresses a device is or was logged in from); anonymous readers. */
  HALLQ_MQTT_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(100_000).default(1000),
  HALLQ_MQTT_MAX_ANONYMOUS: z.coerce.number().int().min(0).max(100_000).default(200),
  /** Comma-separated addresses of the hall's reverse proxies, whose X-Forwarded-For is believed. */
  HALLQ_TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((a) => isIP(a) !== 0), 'must be a comma-separated list of IP addresses')
    .default([]),
  /** The hall's own nightly backups: where (default DATA_DIR/backups; better a second disk), how many, when. */
  BACKUP_DIR: z.string().optional(),
  /** `1`: a chosen BACKUP_DIR may be on DATA_DIR's disk (a hall with one disk); otherwise that is refused. */
  BACKUP_SAME_DISK: z
    .enum(['0', '1'])
    .default('0')
    .transform((v) => v === '1'),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(14),
  BACKUP_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (hall time)')
    .default('00:30'),
  /** The city's NATS servers (comma-separated): unset, the site stays alone (docs/city.md). */
  CITY_NATS_URL: z.string().optional(),
  CITY_NATS_USER: z.string().optional(),
  CITY_NATS_PASSWORD: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ...integrationsEnvShape,
});

export type Env = z.infer<typeof envSchema> & { dataDir: string; backupDir: string };

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`environment is invalid:\n${lines.join('\n')}`);
  }
  const dataDir = resolve(result.data.DATA_DIR);
  return { ...result.data, dataDir, backupDir: resolve(result.data.BACKUP_DIR ?? join(dataDir, 'backups')) };
}
