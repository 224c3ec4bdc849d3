/**
 * Several active playbooks and how their effects combine: a pure function of the active set. The strictest issuing
 * mode wins (paused > appointments-only > normal), banners stack by severity (life-safety on top), the queue is
 * frozen while any active playbook freezes it. Ending one leaves the rest exactly as if it had never been active.
 */
import type { PlaybookDef } from '../config/hall-schema.js';
import type { EmergencyState, HallState, IssuingMode } from './types.js';
import { refuse } from './errors.js';
import type { NotifyRole } from '../../protocol/staff.js';
import type { Severity } from '../../protocol/hall.js';
import { drillText, severityRank } from '../../protocol/playbooks.js';

export type { Severity };
export { DRILL_MARK, drillText, severityRank } from '../../protocol/playbooks.js';

/** Who or what started a playbook. */
export type PlaybookCause =
  | { by: 'manager'; userId: string }
  | { by: 'device'; deviceId: string; event: string }
  | { by: 'metric'; metric: string; value: number }
  | { by: 'integration'; system: string; downSince: number }
  /** A city-wide directive (docs/city.md), applied by this site's own write path. */
  | { by: 'city'; directiveId: string };

/** What a playbook does while active, copied from the hall file when it starts (so a later file edit changes nothing). */
export interface PlaybookEffects {
  banner?: string;
  issuing: IssuingMode;
  severity: Severity;
  freezeQueue: boolean;
  acknowledge: boolean;
}

export interface ActivePlaybook {
  playbookId: string;
  name: string;
  drill: boolean;
  startedAt: number;
  cause: PlaybookCause;
  note?: string;
  effects: PlaybookEffects;
  acknowledgements: Array<{ by: string; at: number }>;
  /** A city-wide announcement only (docs/city.md): when it ends by itself (epoch ms). */
  until?: number;
}

export interface Banner {
  playbookId: string;
  text: string;
  severity: Severity;
  drill: boolean;
}

export interface Effective {
  issuing: IssuingMode;
  banners: Banner[];
  frozen: boolean;
}

const ISSUING_RANK: Record<IssuingMode, number> = { paused: 2, 'appointments-only': 1, normal: 0 };

/** How much a mode restricts issuing: paused > appointments-only > normal. */
export function issuingStrictness(mode: IssuingMode): number {
  return ISSUING_RANK[mode];
}

/** What a playbook of the hall file does (normal issuing and medium severity when it says nothing). */
export function playbookEffects(playbook: PlaybookDef): PlaybookEffects {
  let banner: string | undefined;
  let issuing: IssuingMode = 'normal';
  let freezeQueue = false;
  for (const action of playbook.actions) {
    if ('banner' in action) banner = action.banner;
    if ('issuing' in action) issuing = action.issuing;
    if ('freezeQueue' in action) freezeQueue = action.freezeQueue;
  }
  return { banner, issuing, freezeQueue, severity: playbook.severity, acknowledge: playbook.acknowledge };
}

/** Whom a playbook of the hall file says to notify when it starts, each role once, in the file's order. */
export function notifyRolesOf(playbook: PlaybookDef | undefined): NotifyRole[] {
  return [...new Set(playbook?.actions.flatMap((a) => ('notify' in a ? a.notify : [])) ?? [])];
}

/** Most severe first; among equals the one started first, then by id (a total order: same set, same stack). */
function bySeverity(a: ActivePlaybook, b: ActivePlaybook): number {
  return (
    severityRank(b.effects.severity) - severityRank(a.effects.severity) ||
    a.startedAt - b.startedAt ||
    (a.playbookId < b.playbookId ? -1 : a.playbookId > b.playbookId ? 1 : 0)
  );
}

/** The combined effect of the active set. */
export function effectiveOf(active: readonly ActivePlaybook[]): Effective {
  let issuing: IssuingMode = 'normal';
  for (const p of active)
    if (issuingStrictness(p.effects.issuing) > issuingStrictness(issuing)) issuing = p.effects.issuing;
  const banners = [...active]
    .sort(bySeverity)
    .filter((p) => p.effects.banner)
    .map((p) => ({
      playbookId: p.playbookId,
      text: drillText(p.effects.banner!, p.drill),
      severity: p.effects.severity,
      drill: p.drill,
    }));
  return { issuing, banners, frozen: active.some((p) => p.effects.freezeQueue) };
}

/**
 * The one-playbook summary v1 readers know (`state.emergency`): the playbook that sets the effective issuing mode,
 * else the most severe; its banner is the top one. Null when none is active.
 */
/**
 * The playbooks the public may know of: those that change what the hall shows or does for them (a banner, the issuing
 * mode, a frozen queue). A fight or an abnormal petition only notifies staff: "nothing public" (docs/playbooks.md),
 * so it is left out of every view that is not staff's — names on anonymous MQTT, the stream, `GET /hall`.
 */
export function publicPlaybooks(active: readonly ActivePlaybook[]): ActivePlaybook[] {
  return active.filter((p) => showsThePublic(p.effects));
}

export function showsThePublic(e: PlaybookEffects): boolean {
  return e.banner !== undefined || e.issuing !== 'normal' || e.freezeQueue;
}

export function headlineOf(active: readonly ActivePlaybook[]): EmergencyState | null {
  if (active.length === 0) return null;
  const eff = effectiveOf(active);
  const sorted = [...active].sort(bySeverity);
  const lead = sorted.find((p) => p.effects.issuing === eff.issuing) ?? sorted[0];
  return {
    playbookId: lead.playbookId,
    name: drillText(lead.name, lead.drill),
    banner: eff.banners[0]?.text,
    issuing: eff.issuing,
    activatedAt: lead.startedAt,
    note: lead.note,
    by: causeLabel(lead.cause),
    drill: lead.drill,
    banners: eff.banners,
    frozen: eff.frozen,
    activeIds: sorted.map((p) => p.playbookId),
  };
}

export function causeLabel(c: PlaybookCause): string {
  switch (c.by) {
    case 'manager':
      return `user:${c.userId}`;
    case 'device':
      return `device:${c.deviceId}`;
    case 'metric':
      return `metric:${c.metric}`;
    case 'integration':
      return `integration:${c.system}`;
    case 'city':
      return `city:${c.directiveId}`;
  }
}

/** The active set of a state read from an older checkpoint (one playbook, v1), or the current one. */
export function activeFromV1(e: EmergencyState | null): ActivePlaybook[] {
  if (!e) return [];
  return [
    {
      playbookId: e.playbookId,
      name: e.name,
      drill: false,
      startedAt: e.activatedAt,
      cause: e.by.startsWith('user:')
        ? { by: 'manager', userId: e.by.slice(5) }
        : { by: 'device', deviceId: e.by.replace(/^[a-z]+:/, ''), event: 'v1' },
      note: e.note,
      effects: { banner: e.banner, issuing: e.issuing, severity: 'medium', freezeQueue: false, acknowledge: false },
      acknowledgements: [],
    },
  ];
}

/** The active playbooks of a state (an older checkpoint has only the v1 `emergency`). */
export function activePlaybooks(state: Pick<HallState, 'playbooks' | 'emergency'>): ActivePlaybook[] {
  return state.playbooks ?? activeFromV1(state.emergency);
}

/** Replaces the active set and derives the headline from it (for apply() only). */
export function setActivePlaybooks(state: HallState, active: ActivePlaybook[]): void {
  state.playbooks = active;
  state.emergency = headlineOf(active);
}

/** The active playbook that freezes the queue now, if any. */
export function frozenBy(state: Pick<HallState, 'playbooks' | 'emergency'>): ActivePlaybook | undefined {
  return activePlaybooks(state).find((p) => p.effects.freezeQueue);
}

/** Whether an active playbook freezes the queue now. */
export function isQueueFrozen(state: Pick<HallState, 'playbooks' | 'emergency'>): boolean {
  return frozenBy(state) !== undefined;
}

/**
 * Refuses calls (and no-shows) while a playbook freezes the queue: during an evacuation nobody is called, nobody is
 * marked absent, and every ticket keeps its place for after the all-clear.
 */
export function assertQueueNotFrozen(state: HallState): void {
  const by = frozenBy(state);
  if (by)
    throw refuse.conflict('QUEUE_FROZEN', `the queue is frozen by playbook ${drillText(by.name, by.drill)}`, {
      playbookId: by.playbookId,
    });
}

/** Whether two causes name the same trigger: the same device's event, metric or outside system. */
export function sameSource(a: PlaybookCause, b: PlaybookCause): boolean {
  switch (a.by) {
    case 'device':
      return b.by === 'device' && a.deviceId === b.deviceId && a.event === b.event;
    case 'metric':
      return b.by === 'metric' && a.metric === b.metric;
    case 'integration':
      return b.by === 'integration' && a.system === b.system;
    default:
      return false; // a manager's or the city's playbook is ended by a person
  }
}
