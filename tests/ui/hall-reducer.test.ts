/** The screens' hall model as a pure reducer: each stream event's effect on the hall view, in Node, no browser. */
import { describe, expect, it } from 'vitest';
import type { HallView } from '../../protocol/hall.js';
import type { StreamEvent } from '../../protocol/stream.js';
import { RECENT_CALLS_KEPT, reduceHall, withFresh } from '../../ui/src/lib/hall-reducer.js';

const AT = '2026-03-02T01:00:00.000Z';

function hall(): HallView {
  const counter = (id: string) => ({
    id,
    name: `${id}号窗口`,
    status: 'open' as const,
    pauseReason: null,
    current: null,
    currentStatus: null,
    serviceId: null,
    calledAt: null,
    staffName: null,
    services: [['a']],
  });
  return {
    id: 'h',
    name: '大厅',
    timezone: 'Asia/Shanghai',
    languages: ['zh-CN'],
    day: '2026-03-02',
    policy: { elderlyAge: 70 },
    issuing: { open: true, withinHours: true, mode: 'normal', nextOpenAt: null },
    services: [
      { id: 'a', prefix: 'A', name: 'A', waiting: 2, etaMinutes: 10, materials: [], deadlineWorkdays: null },
      { id: 'b', prefix: 'B', name: 'B', waiting: 0, etaMinutes: 0, materials: [], deadlineWorkdays: null },
    ],
    counters: [counter('1'), counter('2')],
    emergency: null,
    recentCalls: [],
  };
}

const ticket = (number: string, serviceId = 'a') => ({
  number,
  serviceId,
  status: 'called' as const,
  priority: 'normal' as const,
  recalls: 0,
});

describe('reduceHall', () => {
  it('counts an issued ticket in its service, leaving the old view as it was, and asks for the queues', () => {
    const before = hall();
    const { view, refresh } = reduceHall(before, {
      type: 'ticket.issued',
      at: AT,
      ticket: { ...ticket('A003'), status: 'waiting' },
    });
    expect(view.services.map((s) => s.waiting)).toEqual([3, 0]);
    expect(before.services[0].waiting).toBe(2);
    expect(view.counters).toBe(before.counters); // untouched parts are shared
    expect(refresh).toBe('queues');
  });

  it('a call puts the number on its counter, takes it off the waiting count and heads the recent calls', () => {
    const e: StreamEvent = {
      type: 'ticket.called',
      at: AT,
      counterId: '2',
      outOfTurn: { category: 'urgent' },
      ticket: ticket('A001'),
    };
    const { view } = reduceHall(hall(), e);
    expect(view.counters[1]).toMatchObject({ current: 'A001', currentStatus: 'called', serviceId: 'a', calledAt: AT });
    expect(view.services[0].waiting).toBe(1);
    expect(view.recentCalls[0]).toEqual({
      number: 'A001',
      serviceId: 'a',
      counterId: '2',
      counterName: '2号窗口',
      at: AT,
      recall: false,
      outOfTurn: { category: 'urgent' },
      green: false,
    });
    // A green-lane ticket's call is marked as such (the stream carries the ticket's priority).
    const green = reduceHall(hall(), { ...e, outOfTurn: null, ticket: { ...ticket('A002'), priority: 'green' } });
    expect(green.view.recentCalls[0]).toMatchObject({ number: 'A002', green: true });
  });

  it('never counts below zero, and keeps a bounded list of calls', () => {
    let v = hall();
    for (let i = 0; i < RECENT_CALLS_KEPT + 5; i++)
      v = reduceHall(v, {
        type: 'ticket.called',
        at: AT,
        counterId: '1',
        outOfTurn: null,
        ticket: ticket(`B${i}`, 'b'),
      }).view;
    expect(v.services[1].waiting).toBe(0);
    expect(v.recentCalls).toHaveLength(RECENT_CALLS_KEPT);
    expect(v.recentCalls[0].number).toBe(`B${RECENT_CALLS_KEPT + 4}`);
  });

  it("a recall is announced again with the ticket's own out-of-turn mark, and waiting stays", () => {
    const v = reduceHall(hall(), {
      type: 'ticket.recalled',
      at: AT,
      counterId: '1',
      ticket: { ...ticket('A001'), outOfTurn: { category: 'manager' } },
    }).view;
    expect(v.services[0].waiting).toBe(2);
    expect(v.recentCalls[0]).toMatchObject({ recall: true, outOfTurn: { category: 'manager' } });
  });

  it('an event for an unknown counter changes nothing', () => {
    const before = hall();
    expect(
      reduceHall(before, { type: 'ticket.called', at: AT, counterId: '9', outOfTurn: null, ticket: ticket('A001') })
        .view,
    ).toBe(before);
  });

  it('start marks serving; finish clears the counter, but only for the number it shows', () => {
    let v = reduceHall(hall(), {
      type: 'ticket.called',
      at: AT,
      counterId: '1',
      outOfTurn: null,
      ticket: ticket('A001'),
    }).view;
    v = reduceHall(v, { type: 'ticket.started', at: AT, counterId: '1', ticket: ticket('A001') }).view;
    expect(v.counters[0].currentStatus).toBe('serving');
    const stale = reduceHall(v, { type: 'ticket.finished', at: AT, counterId: '1', ticket: ticket('A000') }).view;
    expect(stale.counters[0].current).toBe('A001');
    v = reduceHall(v, { type: 'ticket.no_show', at: AT, counterId: '1', ticket: ticket('A001') }).view;
    expect(v.counters[0]).toMatchObject({ current: null, currentStatus: null, serviceId: null, calledAt: null });
  });

  it('a transfer clears the counter that sent the ticket on', () => {
    let v = reduceHall(hall(), {
      type: 'ticket.called',
      at: AT,
      counterId: '1',
      outOfTurn: null,
      ticket: ticket('A001'),
    }).view;
    v = reduceHall(v, {
      type: 'ticket.transferred',
      at: AT,
      fromServiceId: 'a',
      toServiceId: 'b',
      counterId: '1',
      ticket: ticket('A001'),
    }).view;
    expect(v.counters[0].current).toBeNull();
  });

  it('counter status: open, paused with a reason, and who sits there', () => {
    const { view, refresh } = reduceHall(hall(), {
      type: 'counter.status',
      at: AT,
      counterId: '2',
      status: 'paused',
      pauseReason: '午休',
      change: 'pause',
      staffName: '陈',
    });
    expect(view.counters[1]).toMatchObject({ status: 'paused', pauseReason: '午休', staffName: '陈' });
    expect(refresh).toBe('queues');
  });

  it('a playbook sets the issuing mode; ending it goes back to normal within hours', () => {
    const active = {
      playbookId: 'fire',
      name: '火警',
      banner: '请有序撤离',
      issuing: 'paused' as const,
      activatedAt: AT,
    };
    let v = reduceHall(hall(), { type: 'emergency.changed', at: AT, active, previous: null }).view;
    expect(v.emergency).toEqual(active);
    expect(v.issuing).toMatchObject({ mode: 'paused', open: false });
    v = reduceHall(v, { type: 'emergency.changed', at: AT, active: null, previous: 'fire' }).view;
    expect(v.issuing).toMatchObject({ mode: 'normal', open: true });
    const closed = { ...hall(), issuing: { open: false, withinHours: false, mode: 'normal' as const, nextOpenAt: AT } };
    expect(
      reduceHall(closed, {
        type: 'emergency.changed',
        at: AT,
        active: { ...active, issuing: 'appointments-only' },
        previous: null,
      }).view.issuing.open,
    ).toBe(false);
  });

  it('a new hall day asks for the whole view; events that do not touch the view leave it and fetch nothing', () => {
    const before = hall();
    expect(reduceHall(before, { type: 'hall.day_started', at: AT, day: '2026-03-03' }).refresh).toBe('everything');
    const rated = reduceHall(before, { type: 'evaluation.recorded', at: AT, counterId: '1', score: 5 });
    expect(rated).toEqual({ view: before, refresh: 'none' });
    expect(
      reduceHall(before, {
        type: 'device.status',
        at: AT,
        deviceId: 'p1',
        kind: 'printer',
        online: false,
        status: null,
      }).refresh,
    ).toBe('none');
  });
});

describe('withFresh', () => {
  it("takes the server's queues, issuing and day, keeping the event-driven parts; everything on a new day", () => {
    const mine = reduceHall(hall(), {
      type: 'ticket.called',
      at: AT,
      counterId: '1',
      outOfTurn: null,
      ticket: ticket('A001'),
    }).view;
    const fresh = { ...hall(), day: '2026-03-03', services: hall().services.map((s) => ({ ...s, waiting: 7 })) };
    const merged = withFresh(mine, fresh, false);
    expect(merged.services[0].waiting).toBe(7);
    expect(merged.day).toBe('2026-03-03');
    expect(merged.counters[0].current).toBe('A001');
    expect(withFresh(mine, fresh, true)).toBe(fresh);
    expect(withFresh(null, fresh, false)).toBe(fresh);
  });

  it('shows extended service from its start to its end (the hall board’s banner)', () => {
    const until = '2026-03-02T10:30:00.000Z';
    const started = reduceHall(hall(), { type: 'hall.extended_service', at: AT, phase: 'started', until });
    expect(started.view.extendedService).toEqual({ until });
    const ended = reduceHall(started.view, { type: 'hall.extended_service', at: AT, phase: 'ended', until });
    expect(ended.view.extendedService).toBeNull();
  });
});
