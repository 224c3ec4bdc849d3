/**
 * What the city has acknowledged, kept in the site's own database: the log entry up to which everything is handled
 * (`seq`) and the last event the city stored (`sent`, the next event's `prev`). The event log is the outbox.
 */
import type { Db } from '../../store/db.js';

export interface CityCursor {
  seq: number;
  sent: number;
}

export class CursorStore {
  private readonly read;
  private readonly write;

  constructor(db: Db) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS city_link_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, sent INTEGER NOT NULL)',
    );
    this.read = db.prepare('SELECT seq, sent FROM city_link_cursor WHERE id = 1');
    this.write = db.prepare(
      'INSERT INTO city_link_cursor (id, seq, sent) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, sent = excluded.sent',
    );
  }

  get(): CityCursor {
    return (this.read.get() as CityCursor | undefined) ?? { seq: 0, sent: 0 };
  }

  set(c: CityCursor): void {
    this.write.run(c.seq, c.sent);
  }
}
