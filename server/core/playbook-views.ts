/** What the outside sees of the active playbooks (contract v2): `{active, effective}`, per audience. */
import type { ActivePlaybookView, CauseView, PlaybooksStateView } from '../../protocol/hall.js';
import {
  activePlaybooks,
  effectiveOf,
  headlineOf,
  publicPlaybooks,
  type ActivePlaybook,
  type PlaybookCause,
} from '../domain/playbooks.js';
import type { EventOf } from '../domain/events.js';
import type { HallState } from '../domain/types.js';
import type { Audience } from './views.js';

/** What one activation's notify reached, for the dashboard's alert and the audit log (counts, no numbers). */
export interface NotifySummary {
  startedAt: number;
  roles: string[];
  /** Staff named by the roles (enabled accounts). */
  staff: number;
  /** Of them, texted (asked of the SMS outbox). */
  sms: number;
  /** Of them, without a mobile on file. */
  noPhone: number;
  /** False while SMS_URL is unset: nobody is texted. */
  smsOn: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

function causeView(c: PlaybookCause, audience: Audience): CauseView {
  if (audience !== 'staff') return { by: c.by };
  if (c.by === 'integration') return { ...c, downSince: iso(c.downSince) };
  return { ...c };
}

export function activePlaybookView(p: ActivePlaybook, audience: Audience): ActivePlaybookView {
  return {
    playbookId: p.playbookId,
    name: p.name,
    drill: p.drill,
    startedAt: iso(p.startedAt),
    cause: causeView(p.cause, audience),
    note: audience === 'staff' ? p.note : undefined,
    severity: p.effects.severity,
    issuing: p.effects.issuing,
    banner: p.effects.banner ?? null,
    freezeQueue: p.effects.freezeQueue,
    mustAcknowledge: p.effects.acknowledge,
    acknowledgements: audience === 'staff' ? p.acknowledgements.map((a) => ({ by: a.by, at: iso(a.at) })) : undefined,
  };
}

/** The active set, in the order they started, and its combined effect. */
export function playbooksStateView(state: HallState, audience: Audience): PlaybooksStateView {
  const all = activePlaybooks(state);
  const active = audience === 'staff' ? all : publicPlaybooks(all);
  return {
    active: [...active].sort((a, b) => a.startedAt - b.startedAt).map((p) => activePlaybookView(p, audience)),
    effective: effectiveOf(active),
  };
}

/** The playbook a playbook.* event is about. */
export function playbookIdOf(
  e: EventOf<'playbook.activated'> | EventOf<'playbook.deactivated'> | EventOf<'playbook.acknowledged'>,
): string {
  return e.type === 'playbook.activated' ? e.data.playbook.playbookId : e.data.playbookId;
}

/**
 * What the holder's phone page shows of the playbooks: the top banner (v1 `emergency`), every banner most severe
 * first, and whether the queue is frozen (then the wait estimate is on hold: every ticket keeps its place).
 */
export function phoneEmergency(state: HallState) {
  const e = effectiveOf(activePlaybooks(state));
  return { emergency: e.banners[0]?.text ?? null, banners: e.banners.map((b) => b.text), frozen: e.frozen };
}

/** The v1 headline (`emergency`) an audience sees: for anyone but staff, of the public playbooks only. */
export function headlineFor(state: HallState, audience: Audience) {
  return audience === 'staff' ? state.emergency : headlineOf(publicPlaybooks(activePlaybooks(state)));
}
