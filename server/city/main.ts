/**
 * `npm run city`: the city process (contract v2). Consumes the sites' events from JetStream with a durable consumer
 * into its own read model (DATA_DIR/city.sqlite) and serves the city view on CITY_PORT (default 8090).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { log } from '../log.js';
import { CityConsumer } from './consumer.js';
import { createCityApp } from './http.js';
import { CityReadModel } from './read-model.js';
import { DEFAULT_LIMITS } from './stream-config.js';

const MIB = 1024 * 1024;

const cityEnvSchema = z.object({
  CITY_NATS_URL: z.string().min(1),
  CITY_NATS_USER: z.string().optional(),
  CITY_NATS_PASSWORD: z.string().optional(),
  CITY_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data-city'),
  /** Bearer token for POST /api/v1/city/directives (unset: the city sends no directives). */
  CITY_ADMIN_TOKEN: z.string().min(16).optional(),
  CITY_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** Retention of the sites' events and of the directives (docs/city.md, "Retention"). */
  CITY_STREAM_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(8760).default(DEFAULT_LIMITS.events.maxAgeHours),
  CITY_STREAM_MAX_BYTES: z.coerce.number().int().min(MIB).default(DEFAULT_LIMITS.events.maxBytes),
  CITY_STREAM_MAX_MSGS_PER_SITE: z.coerce.number().int().min(1000).default(DEFAULT_LIMITS.events.maxMsgsPerSite),
  CITY_DOWN_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(8760).default(DEFAULT_LIMITS.directives.maxAgeHours),
  CITY_DOWN_MAX_BYTES: z.coerce.number().int().min(MIB).default(DEFAULT_LIMITS.directives.maxBytes),
});

async function main(): Promise<void> {
  const cleaned = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = cityEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    process.stderr.write(
      `environment is invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  const env = parsed.data;
  const model = new CityReadModel(resolve(env.DATA_DIR));
  const consumer = new CityConsumer(model, {
    url: env.CITY_NATS_URL,
    user: env.CITY_NATS_USER,
    password: env.CITY_NATS_PASSWORD,
    replicas: env.CITY_STREAM_REPLICAS,
    limits: {
      events: {
        maxAgeHours: env.CITY_STREAM_MAX_AGE_HOURS,
        maxBytes: env.CITY_STREAM_MAX_BYTES,
        maxMsgsPerSite: env.CITY_STREAM_MAX_MSGS_PER_SITE,
      },
      directives: { maxAgeHours: env.CITY_DOWN_MAX_AGE_HOURS, maxBytes: env.CITY_DOWN_MAX_BYTES },
    },
  });
  await consumer.start();
  const app = createCityApp(model, consumer, env.CITY_ADMIN_TOKEN);
  const server = serve({ fetch: app.fetch, port: env.CITY_PORT, hostname: env.HOST }, (info: AddressInfo) =>
    log.info('city view listening', { port: info.port }),
  );
  const shutdown = async () => {
    server.close();
    await consumer.stop();
    model.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err: Error) => {
  log.error('the city process cannot start', { error: err.message });
  process.exit(1);
});
