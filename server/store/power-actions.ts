/** The power guard's memory across a restart: the last thing it did about the mains, read from the audit log. */
import type { Db } from './db.js';

/**
 * The latest power-outage action since `since` ('on-battery-checkpoint', 'power-back' or 'battery-low-shutdown'),
 * through the log's `at` index: a start reads only as far back as `since`.
 */
export function lastPowerAction(db: Db, since: number): string | undefined {
  return db
    .prepare(
      `SELECT json_extract(data, '$.action') FROM events WHERE at >= ? AND type = 'playbook.action'
        AND json_extract(data, '$.playbookId') = 'power-outage'
        AND json_extract(data, '$.action') IN ('on-battery-checkpoint', 'power-back', 'battery-low-shutdown')
        ORDER BY at DESC, seq DESC LIMIT 1`,
    )
    .pluck()
    .get(since) as string | undefined;
}
