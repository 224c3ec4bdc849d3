/** The hourly prune of expired tokens reads the hall's clock, as tokens are stamped with it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallDayJobs } from '../../server/jobs/hall-day.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { manualClock, V1 } from './support.js';

const clock = manualClock('2026-03-02T10:00:00+08:00'); // months before the wall clock
let h: TestHall;

beforeAll(async () => {
  h = await startTestHall({ clock: clock.clock });
});
afterAll(async () => {
  await h?.stop();
});

describe('pruning expired tokens', () => {
  it('keeps a session the hall’s clock says is live, and drops it once that clock says it expired', async () => {
    const jobs = h.running.features.find((f) => f.name === 'hall-day-jobs') as HallDayJobs;
    const staff = () => h.api('GET', `${V1}/staff`, undefined, h.managerToken);
    jobs.prune(); // on the wall clock this session expired months ago
    expect((await staff()).status).toBe(200);
    clock.advance(13 * 60); // staff sessions last 12 hours
    jobs.prune();
    const row = h.running.db.prepare("SELECT count(*) FROM tokens WHERE subject_kind = 'user'").pluck().get();
    expect(row).toBe(0);
  });
});
