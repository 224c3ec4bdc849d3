/** GET /emergency → `standby`: the standby counters an active playbook opened, and whom the hall file names for them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectOk, newStaffAt, V1 } from './support.js';

describe('standby calls', () => {
  let h: TestHall;
  beforeAll(async () => {
    const file = loadHallFile();
    h = await startTestHall({
      hallFile: {
        ...file,
        counters: file.counters.map((c) => (c.id === '11' ? { ...c, standby: true, backupStaff: ['wang'] } : c)),
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const emergency = (token?: string) => h.api('GET', `${V1}/emergency`, undefined, token);
  const manager = (path: string, body: object) => h.api('POST', `${V1}/emergency/${path}`, body, h.managerToken);

  it('names the standby counter and its staff while surge is active, until someone signs in there or it ends', async () => {
    const wang = await newStaffAt(h, '10', 'wang');
    expect((await emergency(wang)).body.standby).toEqual([]);
    expectOk(await manager('activate', { playbookId: 'surge', drill: true }));
    const call = {
      counterId: '11',
      counterName: '11号窗口',
      staffed: false,
      backupStaff: ['wang'],
      playbooks: [{ playbookId: 'surge', name: '【演练】业务量激增', drill: true }],
    };
    expect((await emergency(wang)).body.standby).toEqual([call]);
    // The public and hall devices never see whom it names.
    expect((await emergency()).body.standby).toEqual([]);
    expectOk(await h.api('POST', `${V1}/counters/11/sign-in`, {}, wang));
    expect((await emergency(wang)).body.standby).toEqual([{ ...call, staffed: true }]);
    expectOk(await h.api('POST', `${V1}/counters/11/sign-out`, {}, wang));
    expectOk(await manager('deactivate', { playbookId: 'surge' }));
    expect((await emergency(wang)).body.standby).toEqual([]);
  });
});
