/**
 * Playbook actions that change the hall itself, each reversed when the playbook ends: `openStandbyCounters` opens
 * every closed counter the hall file marks `standby`, and closes them again once no active playbook wants them open,
 * unless staff are still serving there or anything but a playbook has changed them since (then they are the staff's). Every step is audited with the playbook that caused it. (Banners, issuing modes and
 * the frozen queue follow from the active set itself; announcements are notices.ts's.)
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { opensStandbyCounters } from '../../core/standby-views.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { close, open } from '../../domain/decide/counters.js';
import { DomainError } from '../../domain/errors.js';
import { activePlaybooks } from '../../domain/playbooks.js';
import { log } from '../../log.js';

export class PlaybookActions implements Feature {
  readonly name = 'playbook-actions';
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly hall: HallService) {}

  start(): void {
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('playbook.activated', (c) => {
        const { playbookId, drill } = c.event.data.playbook;
        if (this.opensStandby(playbookId)) queueMicrotask(() => this.openStandby(playbookId, drill));
      }),
      bus.on('playbook.deactivated', (c) => {
        const { playbookId, drill } = c.event.data;
        if (this.opensStandby(playbookId)) queueMicrotask(() => this.closeStandby(playbookId, drill));
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private opensStandby(playbookId: string): boolean {
    return opensStandbyCounters(this.hall.hallFile.playbooks.find((p) => p.id === playbookId));
  }

  private standbyCounters(): string[] {
    return this.hall.hallFile.counters.filter((c) => c.standby).map((c) => c.id);
  }

  private openStandby(playbookId: string, drill: boolean): void {
    for (const id of this.standbyCounters()) {
      if (this.hall.state.counters.get(id)?.status !== 'closed') continue;
      this.step(playbookId, drill, 'open-standby-counter', id, () =>
        this.hall.execute(SYSTEM_ACTOR, (ctx, s) => open(ctx, s, id, playbookId)),
      );
    }
  }

  private closeStandby(playbookId: string, drill: boolean): void {
    // Another active playbook still wants them open: they stay.
    if (activePlaybooks(this.hall.state).some((p) => this.opensStandby(p.playbookId))) return;
    for (const id of this.standbyCounters()) {
      const c = this.hall.state.counters.get(id);
      if (c?.status !== 'open') continue;
      if (!c.openedByPlaybook) {
        // Opened by hand (before the playbook, or since), or signed in to since: the staff's to close.
        this.audit(playbookId, drill, 'standby-counter-left-open', { counterId: id, why: 'not opened by a playbook' });
        continue;
      }
      if (c.currentTicketId) {
        this.audit(playbookId, drill, 'standby-counter-left-open', { counterId: id, why: 'staff still serving' });
        continue;
      }
      this.step(playbookId, drill, 'close-standby-counter', id, () =>
        this.hall.execute(SYSTEM_ACTOR, (ctx, s) => close(ctx, s, id)),
      );
    }
  }

  private step(playbookId: string, drill: boolean, action: string, counterId: string, run: () => void): void {
    try {
      run();
      this.audit(playbookId, drill, action, { counterId });
      log.info('playbook action', { playbookId, action, counterId });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.audit(playbookId, drill, `${action}-refused`, { counterId, code: err.code });
    }
  }

  private audit(playbookId: string, drill: boolean, action: string, detail: Record<string, unknown>): void {
    this.hall.audit(SYSTEM_ACTOR, { type: 'playbook.action', data: { playbookId, action, detail, drill } });
  }
}
