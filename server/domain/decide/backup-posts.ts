/**
 * A/B posts (AB岗, R7): a counter left with people waiting — paused too long, or its staff signed out — asks the
 * backup staff the hall file names for it to take over (they sign in there: sign-in already lets a backup take over).
 */
import { refuse } from '../errors.js';
import type { HallState } from '../types.js';
import type { DecideContext, Decision } from './context.js';

/** Asks the backups of every counter paused `backupAfterPausedMinutes` by now, once per pause (the clock is in the log). */
export function askBackupsForLongPauses(ctx: DecideContext, state: HallState): Decision {
  const afterMs = ctx.hallFile.policy.backupAfterPausedMinutes * 60_000;
  const events = [...state.counters.values()]
    .filter((c) => c.status === 'paused' && c.pausedAt !== undefined && c.takeoverAskedAt === undefined)
    .filter((c) => ctx.now - c.pausedAt! >= afterMs)
    .flatMap((c) => requestTakeover(ctx, state, c.id, 'paused').events);
  return { events };
}

/** People waiting for the services counter `counterId` lists. */
export function waitingFor(ctx: DecideContext, state: HallState, counterId: string): number {
  const def = ctx.hallFile.counters.find((c) => c.id === counterId);
  if (!def) return 0;
  return [...new Set(def.services.flat())].reduce((n, s) => n + (state.queues.get(s)?.length ?? 0), 0);
}

/**
 * Asks the backups of `counterId`, if the reason still holds: still paused, or still closed with nobody signed in,
 * and people waiting. No events when it no longer holds or the counter has no backup.
 */
export function requestTakeover(
  ctx: DecideContext,
  state: HallState,
  counterId: string,
  reason: 'paused' | 'signed-out',
): Decision {
  const def = ctx.hallFile.counters.find((c) => c.id === counterId);
  const counter = state.counters.get(counterId);
  if (!def || !counter) throw refuse.notFound('UNKNOWN_COUNTER', `no counter "${counterId}" in this hall`);
  const stillLeft = reason === 'paused' ? counter.status === 'paused' : counter.status === 'closed' && !counter.staffId;
  const waiting = waitingFor(ctx, state, counterId);
  if (!stillLeft || waiting === 0 || def.backupStaff.length === 0) return { events: [] };
  return {
    events: [
      {
        type: 'counter.takeover_requested',
        data: { counterId, reason, backupStaff: [...def.backupStaff], waiting, at: ctx.now },
      },
    ],
  };
}
