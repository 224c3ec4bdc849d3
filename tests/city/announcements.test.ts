/**
 * A city-wide announcement (docs/city.md): checked by the city's route, shown by each site as a banner beside its
 * playbook banners through its own write path (audited, cause by:'city'), ended by `announcement.end` or its `until`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announcementPlaybookId } from '../../protocol/city.js';
import { activatePlaybook } from '../../server/domain/decide/emergency.js';
import { effectiveOf, activePlaybooks } from '../../server/domain/playbooks.js';
import { AnnouncementExpiry } from '../../server/features/city-announcements/index.js';
import { DirectiveReceiver } from '../../server/features/city-link/directives.js';
import { startTestHall, type TestHall } from '../helpers/test-hall.js';
import { directiveRouteHarness } from './directive-route-harness.js';

const { sent, post, close } = directiveRouteHarness();
let h: TestHall;
beforeAll(async () => {
  h = await startTestHall();
});
afterAll(async () => {
  await h?.stop();
  close();
});

const audits = () =>
  (
    h.running.db.prepare("SELECT data FROM events WHERE type = 'city.directive' ORDER BY seq").pluck().all() as string[]
  ).map((d) => JSON.parse(d) as { directiveId: string; kind: string; applied: boolean; reason?: string });

describe('city announcements', () => {
  it('the city sends one with its end time, and refuses long text, a past or far end, and unknown fields', async () => {
    const until = new Date(Date.now() + 3600_000).toISOString();
    const ok = await post({ kind: 'announcement', text: '台风“海燕”今晚登陆，请注意安全', until, sites: ['a'] });
    expect(ok.status).toBe(202);
    expect(sent.at(-1)).toMatchObject({ kind: 'announcement', severity: 'high', until: Date.parse(until) });
    const noUntil = await post({ kind: 'announcement', text: '停电通知', severity: 'low', sites: ['a'] });
    expect(noUntil.status).toBe(202);
    expect((sent.at(-1) as { until: number }).until - Date.now()).toBeGreaterThan(23 * 3600_000);
    const end = await post({ kind: 'announcement.end', id: sent[0].id, sites: ['a'] });
    expect(end.status).toBe(202);
    expect(sent.at(-1)).toMatchObject({ kind: 'announcement.end', announcementId: sent[0].id });
    const count = sent.length;
    const bad = [
      { kind: 'announcement', text: 'x'.repeat(121) },
      { kind: 'announcement', text: '   ' },
      { kind: 'announcement', text: 'x', until: new Date(Date.now() - 1000).toISOString() },
      { kind: 'announcement', text: 'x', until: new Date(Date.now() + 8 * 24 * 3600_000).toISOString() },
      { kind: 'announcement', text: 'x', severity: 'urgent' },
      { kind: 'announcement', text: 'x', playbookId: 'fire' },
      { kind: 'announcement.end', id: 'not an id' },
    ];
    for (const body of bad) {
      const r = await post({ ...body, sites: ['a'] });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
    expect(sent.length).toBe(count);
  });

  it('a site shows it as a banner stacked with its playbooks, ends it on the city’s word or at until, audited', () => {
    const hall = h.running.hall;
    const receiver = new DirectiveReceiver(hall, hall.hallFile.hall.id, h.running.db);
    const now = hall.clock();
    const base = { v: 1 as const, at: now };
    hall.execute({ kind: 'user', id: 'u_m', role: 'manager' }, (ctx, s) =>
      activatePlaybook(ctx, s, { playbookId: 'fire', cause: { by: 'manager', userId: 'u_m' } }),
    );
    receiver.apply({ ...base, id: 'a1', kind: 'announcement', text: '台风预警', severity: 'low', until: now + 60_000 });
    receiver.apply({
      ...base,
      id: 'a2',
      kind: 'announcement',
      text: '暴雨预警',
      severity: 'high',
      until: now + 3600_000,
    });
    receiver.apply({ ...base, id: 'a3', kind: 'announcement', text: '已过期', severity: 'high', until: now - 1 });
    receiver.apply({
      ...base,
      id: 'a4',
      kind: 'announcement',
      text: '太久',
      severity: 'low',
      until: now + 8 * 86_400_000,
    });
    const banners = () => effectiveOf(activePlaybooks(hall.state)).banners.map((b) => b.playbookId);
    expect(banners()).toContain(announcementPlaybookId('a1'));
    expect(banners().indexOf(announcementPlaybookId('a2'))).toBeLessThan(
      banners().indexOf(announcementPlaybookId('a1')),
    );
    expect(banners()).toContain('fire');
    // The announcements alone change nothing but banners (with fire active beside them, issuing is paused anyway).
    const announcements = activePlaybooks(hall.state).filter((p) => p.until !== undefined);
    expect(announcements.map((p) => p.playbookId).sort()).toEqual(
      [announcementPlaybookId('a1'), announcementPlaybookId('a2')].sort(),
    );
    expect(effectiveOf(announcements)).toMatchObject({ issuing: 'normal', frozen: false });
    const a2 = activePlaybooks(hall.state).find((p) => p.playbookId === announcementPlaybookId('a2'));
    expect(a2).toMatchObject({ cause: { by: 'city', directiveId: 'a2' }, effects: { banner: '暴雨预警' } });

    receiver.apply({ ...base, id: 'e1', kind: 'announcement.end', announcementId: 'a2' });
    receiver.apply({ ...base, id: 'e2', kind: 'announcement.end', announcementId: 'a2' });
    expect(banners()).not.toContain(announcementPlaybookId('a2'));
    const expiry = new AnnouncementExpiry(hall);
    expect(expiry.sweep(now + 59_000)).toEqual([]);
    expect(expiry.sweep(now + 60_000)).toEqual([announcementPlaybookId('a1')]);
    expect(banners()).toEqual(['fire']);
    expect(audits().map((a) => [a.directiveId, a.kind, a.applied])).toEqual([
      ['a1', 'announcement', true],
      ['a2', 'announcement', true],
      ['a3', 'announcement', false],
      ['a4', 'announcement', false],
      ['e1', 'announcement.end', true],
      ['e2', 'announcement.end', false],
    ]);
  });
});
