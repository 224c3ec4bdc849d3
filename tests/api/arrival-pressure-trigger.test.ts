/** A metric trigger on arrivals per 15 minutes against service capacity starts its playbook and releases it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { hallFileSchema } from '../../server/config/hall-schema.js';
import type { AutomaticTriggers } from '../../server/features/playbooks/index.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { issue, manualClock, MONDAY_10, V1 } from './support.js';

describe('arrivalsPer15MinOverCapacity trigger', () => {
  let h: TestHall;
  const clock = manualClock(MONDAY_10);
  const ids = async () =>
    ((await h.api('GET', `${V1}/emergency`)).body.active as Array<{ playbookId: string }>).map((p) => p.playbookId);
  const check = () =>
    (h.running.features.find((f) => f.name === 'playbook-triggers') as AutomaticTriggers).checkMetrics();

  beforeAll(async () => {
    const base = loadHallFile();
    const hallFile = hallFileSchema.parse({
      ...base,
      playbooks: [
        ...base.playbooks,
        {
          id: 'rush',
          name: '来人过快',
          triggers: [{ metric: 'arrivalsPer15MinOverCapacity', above: 2, releaseBelow: 1 }],
          actions: [{ banner: '来人较多，请耐心等候' }],
        },
      ],
    });
    h = await startTestHall({ hallFile, clock: clock.clock, kioskTicketsWithoutIdPerMinute: 0 });
    await h.staffAt('7'); // query, 5 minutes a person: 3 per 15 minutes
  });
  afterAll(async () => {
    await h.stop();
  });

  it('fires above twice the capacity and releases once arrivals fall to the capacity', async () => {
    const kiosk = (await h.device('kiosk-1', 'kiosk')).token;
    for (let i = 0; i < 6; i++) await issue(h, kiosk, { serviceId: 'query' });
    check();
    expect(await ids()).not.toContain('rush'); // 6 / 3 = 2: not above
    await issue(h, kiosk, { serviceId: 'query' });
    check();
    expect(await ids()).toContain('rush');
    const rush = (await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body.active.find(
      (p: any) => p.playbookId === 'rush',
    );
    expect(rush.cause).toEqual({ by: 'metric', metric: 'arrivalsPer15MinOverCapacity', value: 2.3 });
    clock.advance(10);
    check();
    expect(await ids()).toContain('rush'); // still 7 in the window
    clock.advance(6); // the first seven are older than 15 minutes
    await issue(h, kiosk, { serviceId: 'query' });
    check();
    expect(await ids()).not.toContain('rush');
    const audit = (await h.api('GET', `${V1}/audit?limit=1000`, undefined, h.managerToken)).body.entries;
    expect(audit.filter((e: any) => e.type === 'playbook.deactivated').map((e: any) => e.data.reason)).toEqual([
      'metric trigger released',
    ]);
  });
});
