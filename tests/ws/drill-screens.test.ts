/**
 * A drill report says how long until every registered screen had the playbook over the live stream: a screen
 * connected at the start counts at once; one that was offline counts when it connects while the drill runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, openWs, V1, type WsReader } from '../api/support.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { until } from '../helpers/until.js';

describe('drill reports and the screens', () => {
  let h: TestHall;
  const open: WsReader[] = [];
  beforeAll(async () => {
    h = await startTestHall();
  });
  afterAll(async () => {
    for (const c of open) await c.close();
    await h?.stop();
  });

  const screen = async (token: string) => {
    const c = await openWs(h, `?token=${token}`);
    open.push(c);
    await c.waitFor(1);
    return c;
  };
  const report = async (playbookId: string) =>
    (await h.api('GET', `${V1}/emergency/drills`, undefined, h.managerToken)).body.drills.find(
      (d: { playbookId: string }) => d.playbookId === playbookId,
    );
  const emergency = (path: string, body: object) => h.api('POST', `${V1}/emergency/${path}`, body, h.managerToken);

  it('counts the screens connected at the start, then one that connects later', async () => {
    const board = (await h.device('board-1', 'display')).token;
    const late = (await h.device('board-2', 'display')).token;
    await screen(board);
    expectOk(await emergency('activate', { playbookId: 'illness', drill: true }));
    const first = await until('the connected board counted', async () => {
      const r = await report('illness');
      return r?.screens.reached === 1 && r;
    });
    expect(first.screens).toEqual({ total: 2, reached: 1, allReachedMs: null });

    await screen(late);
    const all = await until('both boards counted', async () => {
      const r = await report('illness');
      return r?.screens.reached === 2 && r;
    });
    expect(all.screens.allReachedMs).toEqual(expect.any(Number));
    expectOk(await emergency('deactivate', { playbookId: 'illness' }));
    // The ended report keeps the figures.
    expect((await report('illness')).screens).toEqual(all.screens);
  });
});
