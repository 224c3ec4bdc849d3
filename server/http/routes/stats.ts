/** Today's figures (from memory; a manager sees the hall, staff their own) and past days' history (manager, from SQLite). */
import { Hono } from 'hono';
import { z } from 'zod';
import type { HallFile } from '../../config/hall-schema.js';
import { addDays, hallDay, localTime } from '../../domain/clock.js';
import type { HallState, Ticket } from '../../domain/types.js';
import type { Db } from '../../store/db.js';
import { TicketHistory, type ServedByRow } from '../../store/ticket-history.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { requireRole, type AppEnv } from '../middleware/auth.js';
import { readQuery } from '../validation.js';
import { auditRead } from '../query-trail.js';

/** Edges of the waiting-time histogram, in minutes; the last bin is open-ended. */
export const WAIT_BINS = [0, 5, 10, 15, 20, 30, 45, 60];
const MIN = 60_000;
/** Longest history range, in days (a leap year). */
export const MAX_HISTORY_DAYS = 366;
const historyQuery = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() });

export function statsRoutes(deps: ApiDeps, db: Db) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;
  const history = new TicketHistory(db);

  app.get('/stats/today', (c) => {
    const p = requireRole(c, 'manager', 'counter');
    const today = [...hall.state.tickets.values()].filter((t) => t.day === hall.state.day);
    const names = new Map(deps.accounts.listUsers().map((u) => [u.id, u.name]));
    const staffOnly = p.role === 'counter';
    const tickets = staffOnly ? today.filter((t) => t.staffId === p.id) : today;
    // The manager's daily report carries the audit chain's anchor, to be kept off the box (docs/operations.md, Audit).
    const anchor = staffOnly ? undefined : hall.log.anchor;
    const auditAnchor = anchor
      ? { seq: anchor.seq, hash: anchor.hash, at: anchor.at ? new Date(anchor.at).toISOString() : null }
      : undefined;
    const figures = todayStats(hall.hallFile, hall.state, tickets, hall.clock(), names);
    auditRead(deps, p, {
      resource: 'stats.today',
      query: { scope: staffOnly ? 'staff' : 'hall' },
      rows: figures.perStaff.length,
    });
    return c.json({
      scope: staffOnly ? 'staff' : 'hall',
      ...figures,
      auditAnchor,
    });
  });

  app.get('/stats/history', (c) => {
    const p = requireRole(c, 'manager');
    const q = readQuery(c, historyQuery);
    const now = hall.clock();
    // Today by the clock, not state.day, which only moves on the next command.
    const to = q.to ?? hallDay(now, hall.site.timezone);
    const from = q.from ?? addDays(to, -29);
    if (from > to) throw new ApiError(400, 'VALIDATION_FAILED', `from: ${from} is after to ${to}`);
    if (addDays(from, MAX_HISTORY_DAYS) <= to)
      throw new ApiError(400, 'VALIDATION_FAILED', `from: ranges are limited to ${MAX_HISTORY_DAYS} days`);
    const figures = historyStats(hall.hallFile, history, from, to);
    auditRead(deps, p, { resource: 'stats.history', query: { from, to }, rows: figures.perStaff.length });
    return c.json({ from, to, generatedAt: new Date(now).toISOString(), ...figures });
  });

  return app;
}

const minutes = (ms: number | null) => (ms === null ? null : Math.round((ms / MIN) * 10) / 10);
const score = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const servedBy = (r: ServedByRow) => ({
  served: r.served,
  avgServiceMinutes: minutes(r.avgServiceMs),
  ratings: { count: r.ratingCount, average: score(r.avgRating), poor: r.poorRatings },
});
const nothingServed: ServedByRow = { served: 0, avgServiceMs: null, ratingCount: 0, avgRating: null, poorRatings: 0 };

/** Every day of [from, to] (zeros where the hall issued nothing), and per counter, staff and service over the range. */
export function historyStats(hall: HallFile, history: TicketHistory, from: string, to: string) {
  const byDay = new Map(history.days(from, to).map((d) => [d.day, d]));
  const p90 = history.p90WaitMs(from, to);
  const days = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const d = byDay.get(day);
    days.push({
      day,
      issued: d?.issued ?? 0,
      served: d?.served ?? 0,
      noShow: d?.noShow ?? 0,
      cancelledOrExpired: d?.cancelledOrExpired ?? 0,
      avgWaitMinutes: minutes(d?.avgWaitMs ?? null),
      p90WaitMinutes: minutes(p90.get(day) ?? null),
      avgServiceMinutes: minutes(d?.avgServiceMs ?? null),
      outOfTurnCalls: d?.outOfTurnCalls ?? 0,
      ratings: { count: d?.ratingCount ?? 0, average: score(d?.avgRating ?? null) },
    });
  }

  // The hall's counters and services in its order, each listed even when idle; ids since removed from the hall file follow.
  const counterRows = new Map(history.counters(from, to).map((r) => [r.counterId, r]));
  const counterIds = [...new Set([...hall.counters.map((x) => x.id), ...counterRows.keys()])];
  const perCounter = counterIds.map((id) => ({
    counterId: id,
    name: hall.counters.find((x) => x.id === id)?.name ?? null,
    ...servedBy(counterRows.get(id) ?? nothingServed),
  }));

  const perStaff = history.staff(from, to).map((r) => ({ staffId: r.staffId, name: r.name, ...servedBy(r) }));

  const serviceRows = new Map(history.services(from, to).map((r) => [r.serviceId, r]));
  const serviceIds = [...new Set([...hall.services.map((x) => x.id), ...serviceRows.keys()])];
  const perService = serviceIds.map((id) => {
    const r = serviceRows.get(id);
    const def = hall.services.find((x) => x.id === id);
    return {
      serviceId: id,
      prefix: def?.prefix ?? null,
      name: def?.name ?? null,
      nameEn: def?.nameEn ?? null,
      issued: r?.issued ?? 0,
      served: r?.served ?? 0,
      avgWaitMinutes: minutes(r?.avgWaitMs ?? null),
    };
  });

  return { days, perCounter, perStaff, perService };
}

const avg = (xs: number[]) =>
  xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length / MIN) * 10) / 10 : null;
const waitMs = (t: Ticket) => (t.calledAt !== undefined ? t.calledAt - t.issuedAt : undefined);
const serviceMs = (t: Ticket) =>
  t.status === 'done' && t.startedAt !== undefined && t.finishedAt !== undefined
    ? t.finishedAt - t.startedAt
    : undefined;
const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined && x >= 0);

function ratings(ts: Ticket[]) {
  const scores = ts.map((t) => t.rating).filter((r): r is number => r !== undefined);
  const byScore: Record<string, number> = { 5: 0, 4: 0, 3: 0, 2: 0, 1: 0 };
  for (const s of scores) byScore[s] = (byScore[s] ?? 0) + 1;
  return {
    count: scores.length,
    average: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null,
    /** Share rated 基本满意 or better, in percent. */
    satisfiedPercent: scores.length
      ? Math.round((scores.filter((s) => s >= 3).length / scores.length) * 1000) / 10
      : null,
    byScore,
  };
}

function figures(ts: Ticket[]) {
  return {
    issued: ts.length,
    served: ts.filter((t) => t.status === 'done').length,
    noShow: ts.filter((t) => t.status === 'no_show').length,
    avgWaitMinutes: avg(defined(ts.map(waitMs))),
    avgServiceMinutes: avg(defined(ts.map(serviceMs))),
  };
}

/** Pure: the figures for `tickets` (today's, or one staff member's) at `now`. */
export function todayStats(
  hallFile: HallFile,
  state: HallState,
  tickets: Ticket[],
  now: number,
  staffNames: Map<string, string>,
) {
  const hourOf = hourInZone(hallFile.hall.timezone);
  const waits = defined(tickets.map(waitMs));
  const waitingNow = tickets.filter((t) => t.status === 'waiting');

  const waitDistribution = WAIT_BINS.map((from, i) => {
    const to = WAIT_BINS[i + 1];
    const count = waits.filter((w) => w >= from * MIN && (to === undefined || w < to * MIN)).length;
    return { fromMinutes: from, toMinutes: to ?? null, count };
  });

  const [openHour, closeHour] = openingHours(hallFile);
  const hoursSeen = tickets.flatMap((t) =>
    [t.issuedAt, t.finishedAt].filter((x): x is number => x !== undefined).map(hourOf),
  );
  const firstHour = Math.min(openHour, ...hoursSeen);
  const lastHour = Math.max(closeHour, ...hoursSeen);
  const perHour = [];
  for (let h = firstHour; h <= lastHour; h++) {
    perHour.push({
      hour: h,
      issued: tickets.filter((t) => hourOf(t.issuedAt) === h).length,
      served: tickets.filter((t) => t.status === 'done' && t.finishedAt !== undefined && hourOf(t.finishedAt) === h)
        .length,
    });
  }

  const perCounter = hallFile.counters.map((def) => {
    const mine = tickets.filter((t) => t.counterId === def.id);
    const live = state.counters.get(def.id);
    const { issued: _issued, ...f } = figures(mine);
    return {
      counterId: def.id,
      name: def.name,
      status: live?.status ?? 'closed',
      staffName: live?.staffName ?? null,
      ...f,
      ratings: ratings(mine),
    };
  });

  const perService = hallFile.services.map((s) => {
    const mine = tickets.filter((t) => t.serviceId === s.id);
    return {
      serviceId: s.id,
      prefix: s.prefix,
      name: s.name,
      nameEn: s.nameEn,
      waiting: mine.filter((t) => t.status === 'waiting').length,
      ...figures(mine),
    };
  });

  const staffIds = [...new Set(tickets.map((t) => t.staffId).filter((x): x is string => !!x))];
  const perStaff = staffIds.map((id) => {
    const mine = tickets.filter((t) => t.staffId === id);
    const { issued: _issued, ...f } = figures(mine);
    return { staffId: id, name: staffNames.get(id) ?? id, ...f, ratings: ratings(mine) };
  });

  return {
    day: state.day,
    generatedAt: new Date(now).toISOString(),
    totals: {
      ...figures(tickets),
      waiting: waitingNow.length,
      inService: tickets.filter((t) => t.status === 'called' || t.status === 'serving').length,
      cancelled: tickets.filter((t) => t.status === 'cancelled').length,
      maxWaitMinutes: waits.length ? Math.round(Math.max(...waits) / MIN) : null,
      longestWaitingNowMinutes: waitingNow.length
        ? Math.round((now - Math.min(...waitingNow.map((t) => t.issuedAt))) / MIN)
        : null,
      outOfTurnCalls: tickets.filter((t) => t.outOfTurn).length,
      priority: tickets.filter((t) => t.priority !== 'normal').length,
    },
    waitDistribution,
    perHour,
    perCounter,
    perService,
    perStaff,
    ratings: ratings(tickets),
  };
}

/** Hour of day (0–23) in the hall's zone. */
function hourInZone(timeZone: string): (ms: number) => number {
  return (ms) => localTime(ms, timeZone).hh;
}

/** First and last whole hour of the hall's weekly hours (8 to 17 when the file gives none). */
function openingHours(hall: HallFile): [number, number] {
  const spans = Object.values(hall.hours.weekly).flat() as [string, string][];
  if (spans.length === 0) return [8, 17];
  const starts = spans.map(([from]) => Number(from.slice(0, 2)));
  const ends = spans.map(([, to]) => Number(to.slice(0, 2)) - (to.endsWith(':00') ? 1 : 0));
  return [Math.min(...starts), Math.max(...ends)];
}
