/**
 * Decisions about the hall's playbooks: several may be active at once, each started by a manager, a device, a metric
 * or an integration's health, and each ended on its own. A trigger never ends a playbook a manager started.
 */
import { refuse } from '../errors.js';
import { activePlaybooks, playbookEffects, type ActivePlaybook, type PlaybookCause } from '../playbooks.js';
import type { HallState } from '../types.js';
import { actorLabel, type DecideContext, type Decision } from './context.js';

export { playbookEffects };

export interface ActivateCommand {
  playbookId: string;
  note?: string;
  drill?: boolean;
  cause: PlaybookCause;
}

export function activatePlaybook(ctx: DecideContext, state: HallState, cmd: ActivateCommand): Decision {
  const def = ctx.hallFile.playbooks.find((p) => p.id === cmd.playbookId);
  if (!def) throw refuse.notFound('UNKNOWN_PLAYBOOK', `no playbook "${cmd.playbookId}" in this hall`);
  if (activePlaybooks(state).some((p) => p.playbookId === cmd.playbookId))
    throw refuse.conflict('ALREADY_ACTIVE', `playbook ${cmd.playbookId} is already active`);
  const playbook: ActivePlaybook = {
    playbookId: def.id,
    name: def.name,
    drill: cmd.drill ?? false,
    startedAt: ctx.now,
    cause: cmd.cause,
    note: cmd.note?.trim() || undefined,
    effects: playbookEffects(def),
    acknowledgements: [],
  };
  return { events: [{ type: 'playbook.activated', data: { playbook } }] };
}

/**
 * A real alarm during a drill of the same playbook: the drill ends and the real incident starts, in one commit. Every
 * screen stops saying 【演练】, and the incident does not end with the drill (the alarm that started it still holds,
 * and the bridge reports a level only when it changes).
 */
export function escalateDrill(ctx: DecideContext, state: HallState, cmd: ActivateCommand): Decision {
  const drill = activePlaybooks(state).find((p) => p.playbookId === cmd.playbookId && p.drill);
  if (!drill) throw refuse.conflict('NOT_A_DRILL', `playbook ${cmd.playbookId} is not running as a drill`);
  const ended = deactivatePlaybook(ctx, state, {
    playbookId: cmd.playbookId,
    reason: `a real ${cmd.cause.by} alarm during the drill`,
  });
  // As the state will be once the drill's end is applied: activatePlaybook reads only the active set.
  const afterEnd = { ...state, playbooks: activePlaybooks(state).filter((p) => p !== drill) };
  const started = activatePlaybook(ctx, afterEnd, { ...cmd, drill: false });
  return { events: [...ended.events, ...started.events] };
}

export interface DeactivateCommand {
  /** Optional only for v1 clients: then exactly one playbook must be active. */
  playbookId?: string;
  reason: string;
  /** A trigger asking: it may end only what a trigger started. */
  automatic?: boolean;
}

/** A playbook neither in the hall file nor active (a city announcement is active without being in the file). */
function refuseUnknown(ctx: DecideContext, active: ActivePlaybook[], playbookId: string): void {
  if (!ctx.hallFile.playbooks.some((p) => p.id === playbookId) && !active.some((p) => p.playbookId === playbookId))
    throw refuse.notFound('UNKNOWN_PLAYBOOK', `no playbook "${playbookId}" in this hall`);
}

export function deactivatePlaybook(ctx: DecideContext, state: HallState, cmd: DeactivateCommand): Decision {
  const active = activePlaybooks(state);
  if (cmd.playbookId !== undefined) refuseUnknown(ctx, active, cmd.playbookId);
  if (active.length === 0) throw refuse.conflict('NO_EMERGENCY', 'no playbook is active');
  let target: ActivePlaybook | undefined;
  if (cmd.playbookId === undefined) {
    if (active.length > 1)
      throw refuse.conflict(
        'PLAYBOOK_REQUIRED',
        `${active.length} playbooks are active (${active.map((p) => p.playbookId).join(', ')}): say which one to end`,
      );
    target = active[0];
  } else {
    target = active.find((p) => p.playbookId === cmd.playbookId);
    if (!target) throw refuse.conflict('NOT_ACTIVE', `playbook ${cmd.playbookId} is not active`);
  }
  if (cmd.automatic && target.cause.by === 'manager')
    throw refuse.conflict('STARTED_BY_MANAGER', `playbook ${target.playbookId} was started by a manager`);
  return {
    events: [
      {
        type: 'playbook.deactivated',
        data: {
          playbookId: target.playbookId,
          at: ctx.now,
          by: actorLabel(ctx.actor),
          reason: cmd.reason,
          drill: target.drill,
        },
      },
    ],
  };
}

/** Staff confirm that they have seen a playbook (once each). */
export function acknowledgePlaybook(ctx: DecideContext, state: HallState, playbookId: string): Decision {
  const active = activePlaybooks(state);
  refuseUnknown(ctx, active, playbookId);
  const target = active.find((p) => p.playbookId === playbookId);
  if (!target) throw refuse.conflict('NOT_ACTIVE', `playbook ${playbookId} is not active`);
  const by = actorLabel(ctx.actor);
  if (target.acknowledgements.some((a) => a.by === by))
    throw refuse.conflict('ALREADY_ACKNOWLEDGED', `you have already acknowledged playbook ${playbookId}`);
  return { events: [{ type: 'playbook.acknowledged', data: { playbookId, by, at: ctx.now } }] };
}
