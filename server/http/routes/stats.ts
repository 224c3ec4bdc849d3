/** Today's figures: waits, served per hour, per counter, per service and staff, ratings. A manager sees the hall, staff their own. */
import { Hono } from 'hono';
import type { HallFile } from '../../config/hall-schema.js';
import type { HallState, Ticket } from '../../domain/types.js';
import type { ApiDeps } from '../deps.js';
import { requireRole, type AppEnv } from '../middleware/auth.js';

/** Edges of the waiting-time histogram, in minutes; the last bin is open-ended. */
export const WAIT_BINS = [0, 5, 10, 15, 20, 30, 45, 60];
const MIN = 60_000;

export function statsRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.get('/stats/today', (c) => {
    const p = requireRole(c, 'manager', 'counter');
    const today = [...hall.state.tickets.values()].filter((t) => t.day === hall.state.day);
    const names = new Map(deps.accounts.listUsers().map((u) => [u.id, u.name]));
    const staffOnly = p.role === 'counter';
    const tickets = staffOnly ? today.filter((t) => t.staffId === p.id) : today;
    return c.json({ scope: staffOnly ? 'staff' : 'hall', ...todayStats(hall.hall, hall.state, tickets, hall.clock(), names) });
  });

  return app;
}

const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length / MIN) * 10) / 10 : null);
const waitMs = (t: Ticket) => (t.calledAt !== undefined ? t.calledAt - t.issuedAt : undefined);
const serviceMs = (t: Ticket) => (t.status === 'done' && t.startedAt !== undefined && t.finishedAt !== undefined ? t.finishedAt - t.startedAt : undefined);
const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined && x >= 0);

function ratings(ts: Ticket[]) {
  const scores = ts.map((t) => t.rating).filter((r): r is number => r !== undefined);
  const byScore: Record<string, number> = { 5: 0, 4: 0, 3: 0, 2: 0, 1: 0 };
  for (const s of scores) byScore[s] = (byScore[s] ?? 0) + 1;
  return {
    count: scores.length,
    average: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null,
    /** Share rated 基本满意 or better, in percent. */
    satisfiedPercent: scores.length ? Math.round((scores.filter((s) => s >= 3).length / scores.length) * 1000) / 10 : null,
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
export function todayStats(hall: HallFile, state: HallState, tickets: Ticket[], now: number, staffNames: Map<string, string>) {
  const hourOf = hourInZone(hall.hall.timezone);
  const waits = defined(tickets.map(waitMs));
  const waitingNow = tickets.filter((t) => t.status === 'waiting');

  const waitDistribution = WAIT_BINS.map((from, i) => {
    const to = WAIT_BINS[i + 1];
    const count = waits.filter((w) => w >= from * MIN && (to === undefined || w < to * MIN)).length;
    return { fromMinutes: from, toMinutes: to ?? null, count };
  });

  const [openHour, closeHour] = openingHours(hall);
  const hoursSeen = tickets.flatMap((t) => [t.issuedAt, t.finishedAt].filter((x): x is number => x !== undefined).map(hourOf));
  const firstHour = Math.min(openHour, ...hoursSeen);
  const lastHour = Math.max(closeHour, ...hoursSeen);
  const perHour = [];
  for (let h = firstHour; h <= lastHour; h++) {
    perHour.push({
      hour: h,
      issued: tickets.filter((t) => hourOf(t.issuedAt) === h).length,
      served: tickets.filter((t) => t.status === 'done' && t.finishedAt !== undefined && hourOf(t.finishedAt) === h).length,
    });
  }

  const perCounter = hall.counters.map((def) => {
    const mine = tickets.filter((t) => t.counterId === def.id);
    const live = state.counters.get(def.id);
    const { issued: _issued, ...f } = figures(mine);
    return { counterId: def.id, name: def.name, status: live?.status ?? 'closed', staffName: live?.staffName ?? null, ...f, ratings: ratings(mine) };
  });

  const perService = hall.services.map((s) => {
    const mine = tickets.filter((t) => t.serviceId === s.id);
    return { serviceId: s.id, prefix: s.prefix, name: s.name, nameEn: s.nameEn, waiting: mine.filter((t) => t.status === 'waiting').length, ...figures(mine) };
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
      longestWaitingNowMinutes: waitingNow.length ? Math.round((now - Math.min(...waitingNow.map((t) => t.issuedAt))) / MIN) : null,
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
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
  return (ms) => Number(fmt.format(ms)) % 24;
}

/** First and last whole hour of the hall's weekly hours (8 to 17 when the file gives none). */
function openingHours(hall: HallFile): [number, number] {
  const spans = Object.values(hall.hours.weekly).flat() as [string, string][];
  if (spans.length === 0) return [8, 17];
  const starts = spans.map(([from]) => Number(from.slice(0, 2)));
  const ends = spans.map(([, to]) => Number(to.slice(0, 2)) - (to.endsWith(':00') ? 1 : 0));
  return [Math.min(...starts), Math.max(...ends)];
}
