/**
 * Several playbooks at once, through the real HTTP API: over random sequences of activating and deactivating fire,
 * illness, power-outage, overcrowding, surge and petition, after every step the effective issuing mode is the
 * strictest of the active ones, the banners stack most severe first (then in order of starting), the hall board and
 * the kiosk agree, and what stays active is exactly what it was before the others came and went.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { expectError, expectOk, manualClock, MONDAY_10, V1 } from './support.js';

const IDS = ['fire', 'illness', 'power-outage', 'overcrowding', 'surge', 'petition'] as const;
type Id = (typeof IDS)[number];
type Step = { op: 'activate' | 'deactivate'; id: Id };

const hallFile = loadHallFile();
const RANK = { 'life-safety': 3, high: 2, medium: 1, low: 0 } as const;
const STRICT = { normal: 0, 'appointments-only': 1, paused: 2 } as const;

/** The rule, written out again from the hall file: independent of the server's code. */
function def(id: Id) {
  const p = hallFile.playbooks.find((x) => x.id === id)!;
  let issuing: keyof typeof STRICT = 'normal';
  let banner: string | undefined;
  for (const a of p.actions) {
    if ('issuing' in a) issuing = a.issuing;
    if ('banner' in a) banner = a.banner;
  }
  return { issuing, banner, rank: RANK[p.severity] };
}

function expected(active: Id[]) {
  let issuing: keyof typeof STRICT = 'normal';
  for (const id of active) if (STRICT[def(id).issuing] > STRICT[issuing]) issuing = def(id).issuing;
  const banners = active
    .map((id, order) => ({ id, order, ...def(id) }))
    .filter((x) => x.banner)
    .sort((a, b) => b.rank - a.rank || a.order - b.order)
    .map((x) => [x.id, x.banner]);
  return { issuing, banners };
}

describe('combined playbooks (property)', () => {
  const clock = manualClock(MONDAY_10);
  let h: TestHall;
  let kiosk: string;
  beforeAll(async () => {
    h = await startTestHall({ clock: clock.clock });
    kiosk = (await h.device('kiosk-p', 'kiosk')).token;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('after every step the issuing mode and banners follow the rule', async () => {
    const step: fc.Arbitrary<Step> = fc.record({
      op: fc.constantFrom('activate' as const, 'deactivate' as const),
      id: fc.constantFrom(...IDS),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const active: Id[] = [];
        /** Each active playbook as the API showed it when it started. */
        const seen = new Map<Id, unknown>();
        try {
          for (const s of steps) {
            clock.advance(1);
            const r = await h.api('POST', `${V1}/emergency/${s.op}`, { playbookId: s.id }, h.managerToken);
            const isActive = active.includes(s.id);
            if (s.op === 'activate' && isActive) expectError(r, 409, 'ALREADY_ACTIVE');
            else if (s.op === 'deactivate' && !isActive)
              expectError(r, 409, active.length === 0 ? 'NO_EMERGENCY' : 'NOT_ACTIVE');
            else {
              expectOk(r);
              if (s.op === 'activate') active.push(s.id);
              else active.splice(active.indexOf(s.id), 1);
            }
            const body = (await h.api('GET', `${V1}/emergency`, undefined, h.managerToken)).body;
            const want = expected(active);
            expect(body.active.map((p: any) => p.playbookId)).toEqual(active);
            expect(body.effective.issuing).toBe(want.issuing);
            expect(body.effective.banners.map((b: any) => [b.playbookId, b.text])).toEqual(want.banners);
            for (const p of body.active) {
              if (!seen.has(p.playbookId)) seen.set(p.playbookId, p);
              expect(p).toEqual(seen.get(p.playbookId));
            }
            for (const id of [...seen.keys()]) if (!active.includes(id)) seen.delete(id);
            const hall = (await h.api('GET', `${V1}/hall`)).body;
            expect(hall.issuing.mode).toBe(want.issuing);
            expect(hall.emergency?.banner ?? undefined).toBe(want.banners[0]?.[1]);
            if (want.issuing !== 'normal') {
              const refused = await h.api('POST', `${V1}/tickets`, { serviceId: 'query' }, kiosk);
              expectError(refused, 409, 'HALL_CLOSED');
            }
          }
        } finally {
          for (const id of [...active])
            expectOk(await h.api('POST', `${V1}/emergency/deactivate`, { playbookId: id }, h.managerToken));
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
