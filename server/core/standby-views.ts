/**
 * Standby counters a playbook wants open (`openStandbyCounters`), and whom the hall file names to staff them (the
 * counter's `backupStaff`, its A/B post): what a console shows those staff until someone signs in there or the last
 * playbook that wants them ends. Staff only (usernames).
 */
import type { HallFile, PlaybookDef } from '../config/hall-schema.js';
import { activePlaybooks, drillText } from '../domain/playbooks.js';
import type { HallState } from '../domain/types.js';

export interface StandbyCallView {
  counterId: string;
  counterName: string;
  /** Someone is signed in there now (then nobody else is asked). */
  staffed: boolean;
  /** Usernames asked to sign in there. */
  backupStaff: string[];
  /** The active playbooks that want it open, in the order they started (a drill's name says 【演练】). */
  playbooks: Array<{ playbookId: string; name: string; drill: boolean }>;
}

export function opensStandbyCounters(playbook: PlaybookDef | undefined): boolean {
  return !!playbook?.actions.some((a) => 'openStandbyCounters' in a && a.openStandbyCounters);
}

export function standbyCalls(hallFile: HallFile, state: HallState): StandbyCallView[] {
  const wanting = activePlaybooks(state)
    .filter((p) => opensStandbyCounters(hallFile.playbooks.find((d) => d.id === p.playbookId)))
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((p) => ({ playbookId: p.playbookId, name: drillText(p.name, p.drill), drill: p.drill }));
  if (wanting.length === 0) return [];
  return hallFile.counters
    .filter((c) => c.standby)
    .map((c) => ({
      counterId: c.id,
      counterName: c.name,
      staffed: !!state.counters.get(c.id)?.staffId,
      backupStaff: [...c.backupStaff],
      playbooks: wanting,
    }));
}
