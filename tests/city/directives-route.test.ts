/** The city's POST /city/directives: a hall-file amendment checked with zod before anything is sent (docs/city.md). */
import { afterAll, describe, expect, it } from 'vitest';
import { directiveRouteHarness } from './directive-route-harness.js';

const { sent, post, close } = directiveRouteHarness();
afterAll(close);

describe('city directives: hall-file amendments', () => {
  it('sends a year of holidays or a service’s materials, and refuses a bad one with the reason', async () => {
    const calendar = { kind: 'calendar', year: 2027, holidays: ['2027-01-01'], workdays: ['2027-02-07'] };
    const ok = await post({ kind: 'hall.amend', amendment: calendar, sites: ['yunfu-central'] });
    expect(ok.status).toBe(202);
    expect(sent.at(-1)).toMatchObject({ v: 1, kind: 'hall.amend', amendment: calendar });
    const materials = { kind: 'materials', serviceId: 'one-window', materials: ['申请书'] };
    expect((await post({ kind: 'hall.amend', amendment: materials, sites: ['a'] })).status).toBe(202);
    const bad = [
      { kind: 'calendar', year: 2027, holidays: ['2026-12-31'], workdays: [] },
      { kind: 'calendar', year: 2027, holidays: ['2027-02-07'], workdays: ['2027-02-07'] },
      { kind: 'calendar', year: 2027, holidays: ['2027-02-30'], workdays: [] },
      { kind: 'materials', serviceId: 'one window', materials: ['x'] },
      { kind: 'materials', serviceId: 'one-window', materials: Array(41).fill('x') },
      { kind: 'hours', weekly: {} },
    ];
    const count = sent.length;
    for (const amendment of bad) {
      const r = await post({ kind: 'hall.amend', amendment, sites: ['a'] });
      expect(r.status, JSON.stringify(amendment)).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
    expect(sent.length).toBe(count);
    const typo = await post({ kind: 'hall.amend', amendment: materials, sites: ['a', 'yunfu-centrl'] });
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({ error: { code: 'UNKNOWN_SITE', message: /yunfu-centrl/ } });
    expect(sent.length).toBe(count);
  });
});

describe('city directives: site.resend', () => {
  it('goes also to a site the read model has lost (it has a consumer), never to one that never linked', async () => {
    const ok = await post({ kind: 'site.resend', sites: ['lost-site'] });
    expect(ok.status).toBe(202);
    expect(sent.at(-1)).toMatchObject({ v: 1, kind: 'site.resend' });
    const typo = await post({ kind: 'site.resend', sites: ['lost-sight'] });
    expect(typo.status).toBe(400);
    // Anything else still goes only to sites the read model knows.
    const amend = { kind: 'materials', serviceId: 'one-window', materials: ['申请书'] };
    expect((await post({ kind: 'hall.amend', amendment: amend, sites: ['lost-site'] })).status).toBe(400);
  });
});
