/** A city directive goes through the site's own write path as system:city, and is audited applied or refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectiveReceiver } from '../../server/features/city-link/directives.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';

let h: TestHall;
beforeAll(async () => {
  h = await startTestHall();
});
afterAll(() => h?.stop());

const audits = () =>
  (
    h.running.db.prepare("SELECT data FROM events WHERE type = 'city.directive' ORDER BY seq").pluck().all() as string[]
  ).map((d) => JSON.parse(d) as { directiveId: string; applied: boolean; reason?: string });

describe('city directives at a site', () => {
  it('starts and ends a playbook as system:city, refuses one the hall has not, and audits each', () => {
    const receiver = new DirectiveReceiver(h.running.hall, h.running.hall.hallFile.hall.id, h.running.db);
    const d = { v: 1 as const, at: Date.now(), playbookId: 'fire', note: 'typhoon' };
    receiver.apply({ ...d, id: 'd1', kind: 'playbook.activate' });
    expect(h.running.hall.state.emergency).toMatchObject({
      playbookId: 'fire',
      by: 'city:d1',
      note: 'city: typhoon',
    });
    receiver.apply({ ...d, id: 'd1', kind: 'playbook.activate' });
    receiver.apply({ ...d, id: 'd2', kind: 'playbook.activate', playbookId: 'no-such-playbook' });
    receiver.apply({ ...d, id: 'd3', kind: 'playbook.deactivate' });
    expect(h.running.hall.state.emergency).toBeNull();
    expect(audits().map((a) => [a.directiveId, a.applied])).toEqual([
      ['d1', true],
      ['d1', false],
      ['d2', false],
      ['d3', true],
    ]);
    expect(audits()[2].reason).toMatch(/no-such-playbook/);
  });

  it('never applies a directive twice: one delivered again after a later one ended it is refused, also after a restart', () => {
    const hall = h.running.hall;
    const d = { v: 1 as const, at: Date.now(), playbookId: 'fire', note: 'drill' };
    const first = new DirectiveReceiver(hall, hall.hallFile.hall.id, h.running.db);
    first.apply({ ...d, id: 'fire-on', kind: 'playbook.activate' });
    first.apply({ ...d, id: 'fire-off', kind: 'playbook.deactivate' });
    expect(hall.state.emergency).toBeNull();
    // Its ack was lost: JetStream delivers "fire-on" again, to this receiver and to the next process's.
    first.apply({ ...d, id: 'fire-on', kind: 'playbook.activate' });
    new DirectiveReceiver(hall, hall.hallFile.hall.id, h.running.db).apply({
      ...d,
      id: 'fire-on',
      kind: 'playbook.activate',
    });
    expect(hall.state.emergency).toBeNull();
    const again = audits().filter((a) => a.directiveId === 'fire-on');
    expect(again.map((a) => [a.applied, a.reason ?? null])).toEqual([
      [true, null],
      [false, 'already received'],
      [false, 'already received'],
    ]);
  });
});
