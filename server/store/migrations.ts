/** Schema migrations, applied in order once each. Never edit a released one: add the next. */

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      -- The append-only, hash-chained event log: source of truth and audit trail.
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        stream_seq INTEGER UNIQUE,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        actor TEXT NOT NULL,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX events_at ON events (at);
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

      -- Checkpoints of the live state, so a start replays only the tail of the log.
      CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, state TEXT NOT NULL);

      -- Read model for history and statistics; rebuilt from events, never written directly.
      CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        number TEXT NOT NULL,
        service_id TEXT NOT NULL,
        first_service_id TEXT NOT NULL,
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        channel TEXT,
        issued_at INTEGER NOT NULL,
        called_at INTEGER,
        started_at INTEGER,
        finished_at INTEGER,
        counter_id TEXT,
        staff_id TEXT,
        rating INTEGER,
        out_of_turn TEXT,
        UNIQUE (day, number)
      );
      CREATE INDEX tickets_day ON tickets (day);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        subject_kind TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER
      );
      CREATE INDEX tokens_subject ON tokens (subject_kind, subject_id);

      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        counter_id TEXT,
        kiosk_id TEXT,
        mqtt_username TEXT NOT NULL UNIQUE,
        mqtt_password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        online INTEGER NOT NULL DEFAULT 0,
        last_seen INTEGER,
        last_status TEXT
      );

      -- Device events already handled, so a resent event is dropped (devices store and resend while offline).
      CREATE TABLE device_events_seen (device_id TEXT NOT NULL, event_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (device_id, event_id));
    `,
  },
  {
    version: 2,
    sql: `
      -- Mosquitto-format hash of each device's MQTT password, so the external broker's password file can be rebuilt.
      ALTER TABLE devices ADD COLUMN mqtt_mosquitto_hash TEXT;
      ALTER TABLE devices ADD COLUMN faulty INTEGER NOT NULL DEFAULT 0;

      -- Commands sent to devices: kept until acked (or given up), so neither a broker nor a server restart loses one.
      CREATE TABLE device_commands (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_sent_at INTEGER,
        acked_at INTEGER,
        result TEXT
      );
      CREATE INDEX device_commands_open ON device_commands (acked_at, device_id);
    `,
  },
  {
    version: 3,
    sql: `
      -- Reports frozen at the end of each hall day and month (R17): what the day was, kept as it was then.
      CREATE TABLE reports (
        period TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        generated_at INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        body TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- The tickets read model found by (day, number), without an index on the ticket id: the id is 96 random bits,
      -- and its index put every ticket of a group commit on a page of its own (ticket-projection.ts). tickets_day
      -- went too: the (day, number) index serves every query by day.
      CREATE TABLE tickets_by_day (
        id TEXT NOT NULL,
        day TEXT NOT NULL,
        number TEXT NOT NULL,
        service_id TEXT NOT NULL,
        first_service_id TEXT NOT NULL,
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        channel TEXT,
        issued_at INTEGER NOT NULL,
        called_at INTEGER,
        started_at INTEGER,
        finished_at INTEGER,
        counter_id TEXT,
        staff_id TEXT,
        rating INTEGER,
        out_of_turn TEXT,
        UNIQUE (day, number)
      );
      INSERT INTO tickets_by_day SELECT id, day, number, service_id, first_service_id, status, priority, channel,
        issued_at, called_at, started_at, finished_at, counter_id, staff_id, rating, out_of_turn
        FROM tickets ORDER BY day, issued_at, number;
      DROP TABLE tickets;
      ALTER TABLE tickets_by_day RENAME TO tickets;
    `,
  },
  {
    version: 5,
    sql: `
      -- When extended service ended with the ticket still waiting and booked it a later slot (ticket.slot_offered):
      -- the day's report tells those sent home with an agreed time from those who went with the day (R4, R6).
      ALTER TABLE tickets ADD COLUMN slot_offered_at INTEGER;
    `,
  },
  {
    version: 6,
    sql: `
      -- The addresses that showed a valid token, and until when they are trusted (the connection guard): kept, so
      -- that after a restart the kiosks and counter PCs are not strangers a flood of strangers can shut out.
      CREATE TABLE trusted_addresses (address TEXT PRIMARY KEY, until INTEGER NOT NULL);
    `,
  },
];
