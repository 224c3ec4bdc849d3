/**
 * What the city has acknowledged, kept in the site's own database: the log entry up to which everything is handled
 * (`seq`), the last event the city stored (`sent`, the next event's `prev`), and the epoch of this sending of the log
 * (protocol/city.ts CityEvent.epoch). The event log is the outbox.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.js';

export interface CityCursor {
  seq: number;
  sent: number;
  epoch: number;
}

export class CursorStore {
  /** This database's id as a source of the site's events (protocol/city.ts CityEvent.src). */
  readonly src: string;
  private readonly read;
  private readonly write;

  constructor(db: Db) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS city_link_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, sent INTEGER NOT NULL)',
    );
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('city_link_cursor') as string[];
    if (!columns.includes('epoch')) db.exec('ALTER TABLE city_link_cursor ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0');
    db.exec('CREATE TABLE IF NOT EXISTS city_link_source (id INTEGER PRIMARY KEY CHECK (id = 1), src TEXT NOT NULL)');
    db.prepare('INSERT OR IGNORE INTO city_link_source (id, src) VALUES (1, ?)').run(randomUUID());
    this.src = db.prepare('SELECT src FROM city_link_source WHERE id = 1').pluck().get() as string;
    this.read = db.prepare('SELECT seq, sent, epoch FROM city_link_cursor WHERE id = 1');
    this.write = db.prepare(
      `INSERT INTO city_link_cursor (id, seq, sent, epoch) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET
        seq = excluded.seq, sent = excluded.sent, epoch = excluded.epoch`,
    );
  }

  get(): CityCursor {
    return (this.read.get() as CityCursor | undefined) ?? { seq: 0, sent: 0, epoch: 0 };
  }

  set(c: CityCursor): void {
    this.write.run(c.seq, c.sent, c.epoch);
  }
}
