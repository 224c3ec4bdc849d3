/**
 * Replay can never skip an event: a log holding every state event type, written through the real write path, is
 * replayed from the file alone (no checkpoint) and must give the state the live path built.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { addDays } from '../../server/domain/clock.js';
import { EventBus, type CommittedEvent } from '../../server/core/event-bus.js';
import { HallService } from '../../server/core/hall-service.js';
import { streamEvent } from '../../server/core/views.js';
import { createAppointment, cancelAppointment } from '../../server/domain/decide/appointments.js';
import { recordAppointmentNoShows } from '../../server/domain/decide/appointment-no-shows.js';
import { SYSTEM_ACTOR, type Actor, type DecideContext } from '../../server/domain/decide/context.js';
import { requestTakeover } from '../../server/domain/decide/backup-posts.js';
import { extendedServiceStep } from '../../server/domain/decide/extended-service.js';
import type { HallState } from '../../server/domain/types.js';
import * as counters from '../../server/domain/decide/counters.js';
import { completeCase } from '../../server/domain/decide/cases.js';
import { deviceStatus } from '../../server/domain/decide/devices.js';
import { catchUp, finishPendingSystem } from '../../server/domain/decide/pending-system.js';
import { acknowledgePlaybook, activatePlaybook, deactivatePlaybook } from '../../server/domain/decide/emergency.js';
import { amendHall } from '../../server/domain/decide/hall-amendments.js';
import { bookHomeVisit, closeHomeVisit } from '../../server/domain/decide/home-visits.js';
import { setStaffContact } from '../../server/domain/decide/staff-contacts.js';
import { answerPrereview, submitPrereview } from '../../server/domain/decide/prereviews.js';
import { answerFollowUp, rate } from '../../server/domain/decide/evaluations.js';
import { cancel, checkIn, issueTicket, reinstate } from '../../server/domain/decide/tickets.js';
import { STATE_EVENTS } from '../../server/domain/events.js';
import { log } from '../../server/log.js';
import { HallSecret } from '../../server/security/hall-secret.js';
import { openDb, type Db } from '../../server/store/db.js';
import { serializeState } from '../../server/store/snapshots.js';
import { MANAGER, MONDAY_10AM } from '../domain/harness.js';
import { makeIdNumber } from '../helpers/id-numbers.js';

const reference = loadHallFile();
// Counter 1 names a backup (A/B post), so that a takeover request is among the events.
const hall = {
  ...reference,
  counters: reference.counters.map((c) => (c.id === '1' ? { ...c, backupStaff: ['wang'] } : c)),
};
const CLERK: Actor = { kind: 'user', id: 'u_clerk', role: 'counter', name: '李' };
let dir: string;
let db: Db;
let now: number;

function service(bus = new EventBus()): HallService {
  return new HallService({
    hallFile: hall,
    db,
    secret: HallSecret.loadOrCreate(dir),
    bus,
    alwaysOpen: true,
    clock: () => now,
  });
}

beforeEach(() => {
  log.setLevel('silent');
  dir = mkdtempSync(join(tmpdir(), 'hallq-replay-'));
  db = openDb(dir);
  now = MONDAY_10AM;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A morning that records every state event type at least once. */
function morning(s: HallService): void {
  const run = (actor: Actor, decide: Parameters<HallService['execute']>[1]) => {
    now += 60_000;
    return s.execute(actor, decide);
  };
  run(CLERK, (ctx, st) => counters.signIn(ctx, st, '1'));
  const first = run(MANAGER, (ctx, st) =>
    issueTicket(ctx, st, { serviceId: 'one-window', idNumber: makeIdNumber('19800101', 1) }),
  ).ticketId!;
  run(MANAGER, (ctx, st) =>
    issueTicket(ctx, st, { serviceId: 'one-window', priority: 'priority', priorityReason: 'pregnant' }),
  );
  run(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window' }));
  run(CLERK, (ctx, st) => counters.callNext(ctx, st, '1'));
  run(CLERK, (ctx, st) => counters.recall(ctx, st, '1'));
  run(CLERK, (ctx, st) => counters.start(ctx, st, '1'));
  const caseId = run(CLERK, (ctx, st) => counters.finish(ctx, st, '1', true)).caseId!;
  run(CLERK, (ctx, st) => completeCase(ctx, st, caseId));
  const prereviewId = run(MANAGER, (ctx, st) =>
    submitPrereview(ctx, st, { serviceId: 'one-window', reference: 'WS-1', phone: '13800000000' }),
  ).prereviewId!;
  run(CLERK, (ctx, st) => answerPrereview(ctx, st, prereviewId, 'approved'));
  const visitId = run(CLERK, (ctx, st) =>
    bookHomeVisit(ctx, st, { serviceId: 'mortgage', date: '2026-11-24', address: '云城区某路1号' }),
  ).homeVisitId!;
  run(CLERK, (ctx, st) => closeHomeVisit(ctx, st, visitId, 'done'));
  run(MANAGER, (ctx, st) =>
    setStaffContact(ctx, st, { staffId: CLERK.id, phone: '139 0000 1234', duties: ['first-aid', 'security'] }),
  );
  const rated =
    s.state.tickets.get(first)?.status === 'done'
      ? first
      : [...s.state.tickets.values()].find((t) => t.status === 'done')!.id;
  const followUpId = run({ kind: 'device', id: 'pad-1', role: 'pad', counterId: '1' }, (ctx, st) =>
    rate(ctx, st, rated, 1, '太慢'),
  ).followUpId!;
  run(MANAGER, (ctx, st) => answerFollowUp(ctx, st, followUpId, '已致电解释'));
  const absent = run(CLERK, (ctx, st) => counters.callNext(ctx, st, '1')).ticketId!;
  run(CLERK, (ctx, st) => counters.noShow(ctx, st, '1'));
  run(MANAGER, (ctx, st) => reinstate(ctx, st, absent));
  const waiting = [...s.state.tickets.values()].filter((t) => t.status === 'waiting');
  run(CLERK, (ctx, st) =>
    counters.callOutOfTurn(ctx, st, {
      counterId: '1',
      ticketId: waiting[waiting.length - 1].id,
      reason: '系统重办',
      category: 'system-redo',
    }),
  );
  // A transfer goes to a service another open counter serves, with its holder at the window.
  run(MANAGER, (ctx, st) => counters.signIn(ctx, st, '4'));
  run(CLERK, (ctx, st) => counters.start(ctx, st, '1'));
  run(CLERK, (ctx, st) => counters.transfer(ctx, st, '1', 'mortgage'));
  const toCancel = [...s.state.tickets.values()].find((t) => t.status === 'waiting')!.id;
  run(MANAGER, (ctx, st) => cancel(ctx, st, toCancel));
  run(CLERK, (ctx, st) => counters.pause(ctx, st, '1', '系统维护'));
  run(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window' }));
  run(SYSTEM_ACTOR, (ctx, st) => requestTakeover(ctx, st, '1', 'paused'));
  run(CLERK, (ctx, st) => counters.resume(ctx, st, '1'));
  // The registration system is down: two finished as "pending system", one of them caught up later.
  const pending: string[] = [];
  for (let i = 0; i < 2; i++) {
    run(MANAGER, (ctx, st) => issueTicket(ctx, st, { serviceId: 'one-window', priority: 'green' }));
    run(CLERK, (ctx, st) => counters.callNext(ctx, st, '1'));
    run(CLERK, (ctx, st) => counters.start(ctx, st, '1'));
    pending.push(run(CLERK, (ctx, st) => finishPendingSystem(ctx, st, '1')).ticketId!);
  }
  run(MANAGER, (ctx, st) => catchUp(ctx, st, pending[0]));
  const booking = (serial: number) => ({
    serviceId: 'mortgage',
    slotStart: now,
    slotEnd: now + 30 * 60_000,
    idNumber: makeIdNumber('19750505', serial),
  });
  const code = s.state.appointments.get(
    run(MANAGER, (ctx, st) => createAppointment(ctx, st, booking(2))).appointmentId!,
  )!.code;
  run(MANAGER, (ctx, st) => checkIn(ctx, st, { code }));
  const dropped = run(MANAGER, (ctx, st) => createAppointment(ctx, st, booking(3))).appointmentId!;
  run(MANAGER, (ctx, st) => cancelAppointment(ctx, st, dropped));
  run(MANAGER, (ctx, st) => createAppointment(ctx, st, booking(4)));
  now += 20 * 60_000; // past the late window: nobody came
  run(SYSTEM_ACTOR, recordAppointmentNoShows);
  // A v1 log's single-playbook event, then the v2 active set on top of it: fire stays active across the replay.
  run(MANAGER, () => ({
    events: [
      {
        type: 'emergency.changed',
        data: {
          active: { playbookId: 'petition', name: '非正常信访', issuing: 'normal', activatedAt: now, by: 'user:boss' },
        },
      },
    ],
  }));
  run(MANAGER, (ctx, st) =>
    activatePlaybook(ctx, st, {
      playbookId: 'surge',
      note: 'drill',
      drill: true,
      cause: { by: 'metric', metric: 'waiting', value: 90 },
    }),
  );
  run(MANAGER, (ctx, st) =>
    activatePlaybook(ctx, st, { playbookId: 'fire', cause: { by: 'manager', userId: 'boss' } }),
  );
  run(MANAGER, (ctx, st) => acknowledgePlaybook(ctx, st, 'fire'));
  run(MANAGER, (ctx, st) => deactivatePlaybook(ctx, st, { playbookId: 'surge', reason: 'manager' }));
  // The city amends a service's materials (docs/city.md).
  run({ kind: 'system', id: 'city', role: 'system' }, (ctx, st) =>
    amendHall(ctx, st, {
      amendment: { kind: 'materials', serviceId: 'query', materials: ['查询申请表'] },
      cause: { by: 'city', directiveId: 'd1' },
    }),
  );
  run({ kind: 'device', id: 'printer-1', role: 'device' }, (ctx, st) =>
    deviceStatus(ctx, st, { deviceId: 'printer-1', kind: 'printer', online: true, status: { paper: 'low' } }),
  );
  // A restore reserved numbers a replaced database had handed out: today's, and the next day's (from its start).
  run(SYSTEM_ACTOR, (ctx, st) => ({
    events: [{ type: 'day.numbers_reserved', data: { day: st.day, sequences: { A: 40 }, at: ctx.now } }],
  }));
  run(SYSTEM_ACTOR, (ctx, st) => ({
    events: [{ type: 'day.numbers_reserved', data: { day: addDays(st.day, 1), sequences: { B: 7 }, at: ctx.now } }],
  }));
  // Closing (17:30) with tickets still issued: extended service; at its end those waiting are offered a slot.
  const byTheHours = (ctx: DecideContext, st: HallState) => extendedServiceStep({ ...ctx, alwaysOpen: false }, st);
  now = MONDAY_10AM + (7 * 60 + 31) * 60_000;
  s.execute(SYSTEM_ACTOR, byTheHours);
  now += hall.hours.extendedServiceMinutes * 60_000;
  s.execute(SYSTEM_ACTOR, byTheHours);
  // The next morning: what was still waiting expires with the new day.
  now += 24 * 3600_000;
  s.startDayIfNeeded(now);
}

describe('replay', () => {
  it('rebuilds from a log holding every state event type the state the live path built', () => {
    const live = service();
    live.rebuild();
    live.startDayIfNeeded();
    morning(live);

    const logged = new Set(db.prepare('SELECT DISTINCT type FROM events').pluck().all() as string[]);
    const missing = Object.keys(STATE_EVENTS).filter((t) => !logged.has(t));
    expect(missing, 'every state event type is in the log (extend morning() for a new one)').toEqual([]);
    const expired = db
      .prepare("SELECT data FROM events WHERE type = 'hall.day_started' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get() as string;
    expect(JSON.parse(expired).expiredTicketIds.length).toBeGreaterThan(0);

    // No checkpoint: the whole log is replayed.
    db.prepare('DELETE FROM snapshots').run();
    const restarted = service();
    const { fromSeq, replayed } = restarted.rebuild();
    expect(fromSeq).toBe(0);
    expect(replayed).toBe(
      db
        .prepare(
          `SELECT count(*) FROM events WHERE type IN (${Object.keys(STATE_EVENTS)
            .map(() => '?')
            .join(',')})`,
        )
        .pluck()
        .get(...Object.keys(STATE_EVENTS)),
    );
    expect(JSON.parse(serializeState(restarted.state))).toEqual(JSON.parse(serializeState(live.state)));
    expect([...restarted.state.queues.entries()]).toEqual([...live.state.queues.entries()]);
  });

  it('maps every state event type to a stream message for every audience', () => {
    const bus = new EventBus();
    const committed: CommittedEvent[] = [];
    bus.on('committed', (events) => committed.push(...events));
    const live = service(bus);
    live.rebuild();
    morning(live);
    expect(new Set(committed.map((c) => c.event.type))).toEqual(new Set(Object.keys(STATE_EVENTS)));
    for (const c of committed)
      for (const audience of ['public', 'device', 'staff'] as const)
        // v2 playbook events reach screens as the contract's `emergency.changed`.
        expect(streamEvent(hall, live.state, c, audience).type).toBe(
          c.event.type.startsWith('playbook.') ? 'emergency.changed' : c.event.type,
        );
  });
});
