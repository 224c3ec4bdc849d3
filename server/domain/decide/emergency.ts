/** Decisions about the hall's emergency state: a manager (or later a trigger) activates a playbook of the hall file. */
import type { PlaybookDef } from '../../config/hall-schema.js';
import { refuse } from '../errors.js';
import type { EmergencyState, HallState, IssuingMode } from '../types.js';
import { actorLabel, type DecideContext, type Decision } from './context.js';

export function activateEmergency(ctx: DecideContext, state: HallState, playbookId: string, note?: string): Decision {
  const playbook = ctx.hallFile.playbooks.find((p) => p.id === playbookId);
  if (!playbook) throw refuse.notFound('UNKNOWN_PLAYBOOK', `no playbook "${playbookId}" in this hall`);
  if (state.emergency?.playbookId === playbookId)
    throw refuse.conflict('ALREADY_ACTIVE', `playbook ${playbookId} is already active`);
  const { banner, issuing } = playbookEffects(playbook);
  const active: EmergencyState = {
    playbookId,
    name: playbook.name,
    banner,
    issuing,
    activatedAt: ctx.now,
    note: note?.trim() || undefined,
    by: actorLabel(ctx.actor),
  };
  return { events: [{ type: 'emergency.changed', data: { active, previous: state.emergency?.playbookId } }] };
}

/** What a playbook shows and how it sets issuing (normal when it says nothing). */
export function playbookEffects(playbook: PlaybookDef): { banner?: string; issuing: IssuingMode } {
  let banner: string | undefined;
  let issuing: IssuingMode = 'normal';
  for (const action of playbook.actions) {
    if ('banner' in action) banner = action.banner;
    if ('issuing' in action) issuing = action.issuing;
  }
  return { banner, issuing };
}

export function deactivateEmergency(ctx: DecideContext, state: HallState): Decision {
  if (!state.emergency) throw refuse.conflict('NO_EMERGENCY', 'no playbook is active');
  return { events: [{ type: 'emergency.changed', data: { active: null, previous: state.emergency.playbookId } }] };
}
