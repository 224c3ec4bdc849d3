/**
 * The numbers a database's log handed out on its latest hall day, per prefix: what a restore to an earlier copy must
 * never hand out again (the contract: numbers never repeat within a day). Read from the log, the record.
 */
import type { Db } from './db.js';

export interface NumbersOfDay {
  day: string;
  /** The highest sequence per prefix (A → 57 for A057). */
  sequences: Record<string, number>;
}

/** From an open database: the latest day it issued numbers on, and those numbers, or undefined before any. */
export function numbersHandedOut(db: Db): NumbersOfDay | undefined {
  // Newest first, until the day changes: each ticket's entry names its day.
  const issued = db
    .prepare("SELECT data FROM events WHERE type = 'ticket.issued' ORDER BY seq DESC")
    .pluck()
    .iterate() as IterableIterator<string>;
  let day: string | undefined;
  const sequences: Record<string, number> = {};
  for (const data of issued) {
    const t = (JSON.parse(data) as { ticket: { day: string; number: string } }).ticket;
    day ??= t.day;
    if (t.day !== day) {
      issued.return?.();
      break;
    }
    const prefix = t.number.replace(/\d+$/, '');
    sequences[prefix] = Math.max(sequences[prefix] ?? 0, Number(t.number.slice(prefix.length)));
  }
  return day === undefined ? undefined : { day, sequences };
}

/** The numbers of `replaced` that `restored` does not cover (its latest day may be earlier: then all of them). */
export function numbersToReserve(replaced: NumbersOfDay, restored: NumbersOfDay | undefined): NumbersOfDay | undefined {
  if (restored && replaced.day < restored.day) return undefined; // that day is over in the restored hall
  const own = restored?.day === replaced.day ? restored.sequences : {};
  const sequences = Object.fromEntries(
    Object.entries(replaced.sequences).filter(([prefix, n]) => n > (own[prefix] ?? 0)),
  );
  return Object.keys(sequences).length > 0 ? { day: replaced.day, sequences } : undefined;
}
