/**
 * The adapters' own durable tables: the platform's cursor and bookings, and the outboxes of acknowledgements and SMS.
 * Created at start when missing (not schema migrations), so the integrations stay one removable feature.
 */
import type { Db } from '../../store/db.js';

export function ensureIntegrationTables(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS integration_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    -- Each booking the platform sent, the version last taken, and the appointment it became.
    CREATE TABLE IF NOT EXISTS platform_bookings (
      booking_id TEXT PRIMARY KEY,
      appointment_id TEXT,
      updated_at INTEGER NOT NULL,
      status TEXT NOT NULL
    );
    -- Events pushed back to the platform: one row per booking and type, so each is sent at most once as far as we know.
    CREATE TABLE IF NOT EXISTS platform_outbox (
      booking_id TEXT NOT NULL,
      type TEXT NOT NULL,
      at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending',
      last_error TEXT,
      done_at INTEGER,
      PRIMARY KEY (booking_id, type)
    );
    CREATE INDEX IF NOT EXISTS platform_outbox_due ON platform_outbox (state, next_at);
    -- SMS to send: the number only sealed (AES-GCM, the hall's secret) and as a keyed hash for the per-number limit.
    CREATE TABLE IF NOT EXISTS sms_outbox (
      key TEXT PRIMARY KEY,
      to_sealed TEXT NOT NULL,
      to_hash TEXT NOT NULL,
      template TEXT NOT NULL,
      params TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending',
      last_error TEXT,
      done_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS sms_outbox_due ON sms_outbox (state, next_at);
    CREATE INDEX IF NOT EXISTS sms_outbox_sent ON sms_outbox (to_hash, done_at);
  `);
}

/** A small key/value row of the integrations (the platform's cursor). */
export function readState(db: Db, key: string): string | undefined {
  return db.prepare('SELECT value FROM integration_state WHERE key = ?').pluck().get(key) as string | undefined;
}

export function writeState(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO integration_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
