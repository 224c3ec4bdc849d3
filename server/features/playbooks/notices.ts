/** A playbook's announcement: said when it starts (or at start-up while it is active), repeated as the playbook says. */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';

export class PlaybookNotices implements Feature {
  readonly name = 'playbook-notices';
  private noticeTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(private readonly hall: HallService) {}

  start(): void {
    this.unsubscribe = this.hall.bus.on('committed', (events) => {
      if (events.some((c) => c.event.type === 'emergency.changed')) this.syncNotices();
    });
    this.syncNotices();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.noticeTimer);
  }

  /** Plays the active playbook's announcement, repeating it as the playbook says. */
  private syncNotices(): void {
    clearInterval(this.noticeTimer);
    const active = this.hall.state.emergency;
    if (!active) return;
    const playbook = this.hall.hallFile.playbooks.find((p) => p.id === active.playbookId);
    const announce = playbook?.actions.find(
      (a): a is { announce: string; repeatEverySeconds?: number } => 'announce' in a,
    );
    if (!announce) return;
    const say = () => this.hall.bus.emit('playbook.notice', { text: announce.announce });
    say();
    if (announce.repeatEverySeconds) {
      this.noticeTimer = setInterval(say, announce.repeatEverySeconds * 1000);
      this.noticeTimer.unref();
    }
  }
}
