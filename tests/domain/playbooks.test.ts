/** The combination rule, the v1 fallback, metric hysteresis with a duration, and the notice queue: pure, no clock. */
import { describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import {
  activeFromV1,
  activePlaybooks,
  effectiveOf,
  headlineOf,
  playbookEffects,
  sameSource,
  type ActivePlaybook,
} from '../../server/domain/playbooks.js';
import { drillText, severityRank } from '../../protocol/playbooks.js';
import { MetricHysteresis } from '../../server/features/playbooks/triggers.js';
import { NoticeSchedule } from '../../server/features/playbooks/notices.js';

const file = loadHallFile();
function active(id: string, startedAt: number, drill = false): ActivePlaybook {
  const def = file.playbooks.find((p) => p.id === id)!;
  return {
    playbookId: id,
    name: def.name,
    drill,
    startedAt,
    cause: { by: 'manager', userId: 'u1' },
    effects: playbookEffects(def),
    acknowledgements: [],
  };
}

describe('effectiveOf', () => {
  it('takes the strictest issuing mode and stacks banners most severe first', () => {
    const set = [active('surge', 1), active('overcrowding', 2), active('fire', 3), active('illness', 4, true)];
    const e = effectiveOf(set);
    expect(e.issuing).toBe('paused');
    expect(e.frozen).toBe(true);
    expect(e.banners.map((b) => b.playbookId)).toEqual(['fire', 'overcrowding', 'illness', 'surge']);
    expect(e.banners[2].text.startsWith('【演练】')).toBe(true);
    expect(effectiveOf(set.filter((p) => p.playbookId !== 'fire'))).toEqual(
      effectiveOf([active('surge', 1), active('overcrowding', 2), active('illness', 4, true)]),
    );
    expect(effectiveOf([])).toEqual({ issuing: 'normal', banners: [], frozen: false });
  });

  it('the headline is the playbook that sets issuing, with the top banner', () => {
    const h = headlineOf([active('illness', 1), active('overcrowding', 2)])!;
    expect(h).toMatchObject({ playbookId: 'overcrowding', issuing: 'appointments-only' });
    // Both are `high`: the one started first is on top.
    expect(h.banner).toBe('现场有群众突发疾病，正在救治，请保持通道畅通');
    expect(headlineOf([])).toBeNull();
  });

  it('reads the active set of an older checkpoint from its single v1 playbook', () => {
    const v1 = { playbookId: 'fire', name: '火灾疏散', issuing: 'paused' as const, activatedAt: 5, by: 'user:u9' };
    expect(activePlaybooks({ emergency: v1 })).toEqual(activeFromV1(v1));
    expect(activeFromV1(v1)[0]).toMatchObject({ playbookId: 'fire', cause: { by: 'manager', userId: 'u9' } });
    expect(activePlaybooks({ emergency: null, playbooks: [] })).toEqual([]);
  });
});

describe('MetricHysteresis', () => {
  it('fires after the value stayed above for the duration, releases only at or below the release threshold', () => {
    const m = new MetricHysteresis({ metric: 'waiting', above: 10, releaseBelow: 5, forSeconds: 60, mode: 'act' });
    expect(m.step(11, 0)).toBeUndefined();
    expect(m.step(12, 30_000)).toBeUndefined();
    expect(m.step(9, 40_000)).toBeUndefined(); // dipped: the clock restarts
    expect(m.step(11, 50_000)).toBeUndefined();
    expect(m.step(11, 110_000)).toBe('fire');
    expect(m.step(6, 120_000)).toBeUndefined();
    expect(m.step(5, 200_000)).toBeUndefined();
    expect(m.step(7, 230_000)).toBeUndefined(); // back above release: no end
    expect(m.step(4, 240_000)).toBeUndefined();
    expect(m.step(4, 300_000)).toBe('release');
    expect(m.isOn).toBe(false);
  });
});

describe('NoticeSchedule', () => {
  it('says one notice at a time, most severe first, with a gap, and repeats as asked', () => {
    const s = new NoticeSchedule(10_000);
    const notices = new Map([
      ['illness', { text: '疾病' }],
      ['fire', { text: '撤离', repeatEverySeconds: 20 }],
    ]);
    s.sync([active('illness', 0), active('fire', 0, true)], notices, 0);
    expect(s.due(0)).toEqual({ playbookId: 'fire', text: '【演练】撤离', rank: 3 });
    expect(s.due(5_000)).toBeUndefined();
    expect(s.due(10_000)?.text).toBe('疾病');
    expect(s.due(20_000)?.text).toBe('【演练】撤离');
    expect(s.due(30_000)).toBeUndefined();
    s.sync([active('illness', 0)], notices, 35_000);
    expect(s.due(60_000)).toBeUndefined(); // fire ended: no more repeats
  });

  it('says a more severe notice at once, without the gap after a lesser one', () => {
    const s = new NoticeSchedule(15_000);
    const notices = new Map([
      ['illness', { text: '疾病' }],
      ['fire', { text: '撤离' }],
    ]);
    s.sync([active('illness', 0)], notices, 0);
    expect(s.due(0)?.text).toBe('疾病');
    s.sync([active('illness', 0), active('fire', 10)], notices, 10);
    expect(s.due(10)?.text).toBe('撤离');
  });
});

describe('the pieces the screens share (protocol/playbooks.ts)', () => {
  it('marks a drill’s text once, and ranks life-safety above high above medium above low', () => {
    expect(drillText('停电', true)).toBe('【演练】停电');
    expect(drillText('【演练】停电', true)).toBe('【演练】停电');
    expect(drillText('停电', false)).toBe('停电');
    const order = (['low', 'life-safety', 'medium', 'high'] as const).toSorted(
      (a, b) => severityRank(b) - severityRank(a),
    );
    expect(order).toEqual(['life-safety', 'high', 'medium', 'low']);
  });
});

describe('sameSource: only the trigger that started a playbook ends it', () => {
  it('matches the same device event, metric or outside system, and never a person or the city', () => {
    const alarm = { by: 'device', deviceId: 'smoke-1', event: 'alarm' } as const;
    expect(sameSource(alarm, { ...alarm })).toBe(true);
    expect(sameSource(alarm, { ...alarm, deviceId: 'smoke-2' })).toBe(false);
    expect(sameSource(alarm, { ...alarm, event: 'fault' })).toBe(false);
    expect(
      sameSource({ by: 'metric', metric: 'waiting', value: 51 }, { by: 'metric', metric: 'waiting', value: 3 }),
    ).toBe(true);
    expect(
      sameSource({ by: 'metric', metric: 'waiting', value: 51 }, { by: 'metric', metric: 'maxWaitMinutes', value: 3 }),
    ).toBe(false);
    const platform = { by: 'integration', system: 'platform', downSince: 1 } as const;
    expect(sameSource(platform, { ...platform, downSince: 2 })).toBe(true);
    expect(sameSource(platform, { by: 'integration', system: 'registration', downSince: 1 })).toBe(false);
    expect(sameSource({ by: 'manager', userId: 'u1' }, { by: 'manager', userId: 'u1' })).toBe(false);
    expect(sameSource(alarm, { by: 'manager', userId: 'u1' })).toBe(false);
  });
});
