/**
 * Playbook actions that change the hall itself: `openStandbyCounters` opens every counter the hall file marks
 * `standby` when the playbook starts. (Banners and issuing modes live in the emergency state; announcements are
 * notices.ts's; `notify` shows in the manager's alerts.)
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { open } from '../../domain/decide/counters.js';
import { DomainError } from '../../domain/errors.js';
import { log } from '../../log.js';

export class PlaybookActions implements Feature {
  readonly name = 'playbook-actions';
  private unsubscribe?: () => void;

  constructor(private readonly hall: HallService) {}

  start(): void {
    this.unsubscribe = this.hall.bus.on('emergency.changed', (c) => {
      if (c.event.data.active) this.activated(c.event.data.active.playbookId);
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private activated(playbookId: string): void {
    const playbook = this.hall.hallFile.playbooks.find((p) => p.id === playbookId);
    if (!playbook?.actions.some((a) => 'openStandbyCounters' in a && a.openStandbyCounters)) return;
    // After the current command has finished fanning out.
    queueMicrotask(() => {
      for (const def of this.hall.hallFile.counters.filter((c) => c.standby)) {
        if (this.hall.state.counters.get(def.id)?.status !== 'closed') continue;
        try {
          this.hall.execute(SYSTEM_ACTOR, (ctx, s) => open(ctx, s, def.id));
          log.info('standby counter opened by playbook', { playbookId, counterId: def.id });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
        }
      }
    });
  }
}
