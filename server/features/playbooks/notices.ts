/**
 * Playbook announcements: each active playbook's notice is said when it starts (or at start-up while it is active)
 * and repeated as the playbook says. Notices of several playbooks queue, most severe first, one at a time with a gap
 * between them (a more severe one goes at once), so they never talk over each other; a drill's notice says 演练 first.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { activePlaybooks, drillText, severityRank, type ActivePlaybook } from '../../domain/playbooks.js';

/** Long enough for one notice in the hall's languages to end before the next starts. */
export const NOTICE_GAP_MS = 15_000;
const TICK_MS = 1_000;

interface Scheduled {
  playbookId: string;
  text: string;
  rank: number;
  repeatMs?: number;
  nextAt: number;
}

/** Which notice is due: pure, driven by the clock it is given. */
export class NoticeSchedule {
  private readonly items = new Map<string, Scheduled>();
  private lastSaidAt = -Infinity;
  private lastRank = -Infinity;

  constructor(private readonly gapMs = NOTICE_GAP_MS) {}

  /** Brings the schedule in line with the active set: new ones due now, ended ones dropped. */
  sync(
    active: readonly ActivePlaybook[],
    notices: Map<string, { text: string; repeatEverySeconds?: number }>,
    now: number,
  ): void {
    const ids = new Set(active.map((p) => p.playbookId));
    for (const id of this.items.keys()) if (!ids.has(id)) this.items.delete(id);
    for (const p of active) {
      const n = notices.get(p.playbookId);
      if (!n || this.items.has(p.playbookId)) continue;
      this.items.set(p.playbookId, {
        playbookId: p.playbookId,
        text: drillText(n.text, p.drill),
        rank: severityRank(p.effects.severity),
        repeatMs: n.repeatEverySeconds ? n.repeatEverySeconds * 1000 : undefined,
        nextAt: now,
      });
    }
  }

  /**
   * The one notice to say now, if any: the most severe of those due, once the gap since the last passed — or at once
   * when it is more severe than the last (a fire's evacuation never waits behind a power cut's notice; `rank` goes to
   * the speaker, which says it first and cuts off the less severe one).
   */
  due(now: number): { playbookId: string; text: string; rank: number } | undefined {
    let pick: Scheduled | undefined;
    for (const s of this.items.values())
      if (s.nextAt <= now && (!pick || s.rank > pick.rank || (s.rank === pick.rank && s.nextAt < pick.nextAt)))
        pick = s;
    if (!pick) return undefined;
    if (now - this.lastSaidAt < this.gapMs && pick.rank <= this.lastRank) return undefined;
    this.lastSaidAt = now;
    this.lastRank = pick.rank;
    if (pick.repeatMs) pick.nextAt = now + pick.repeatMs;
    else pick.nextAt = Infinity;
    return { playbookId: pick.playbookId, text: pick.text, rank: pick.rank };
  }
}

export class PlaybookNotices implements Feature {
  readonly name = 'playbook-notices';
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private readonly schedule = new NoticeSchedule();

  constructor(private readonly hall: HallService) {}

  start(): void {
    this.unsubscribe = this.hall.bus.on('committed', (events) => {
      if (events.some((c) => c.event.type.startsWith('playbook.') || c.event.type === 'emergency.changed')) this.sync();
    });
    this.sync();
    this.timer = setInterval(() => this.sayDue(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
  }

  private sync(): void {
    const notices = new Map<string, { text: string; repeatEverySeconds?: number }>();
    for (const p of this.hall.hallFile.playbooks)
      for (const a of p.actions)
        if ('announce' in a) notices.set(p.id, { text: a.announce, repeatEverySeconds: a.repeatEverySeconds });
    this.schedule.sync(activePlaybooks(this.hall.state), notices, this.hall.clock());
    this.sayDue();
  }

  private sayDue(): void {
    const notice = this.schedule.due(this.hall.clock());
    if (notice) this.hall.bus.emit('playbook.notice', notice);
  }
}
