/**
 * Drill reports: for each playbook run as a drill, when it started and by whom, who acknowledged it and when, how long
 * until each LED board confirmed the new banner (its first command ack after the start), and when it ended. Kept in
 * memory (the last few) and written to the audit log as a `playbook.action` `drill-report` when the drill ends.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { causeLabel } from '../../domain/playbooks.js';

export interface DrillReport {
  playbookId: string;
  name: string;
  startedAt: number;
  startedBy: string;
  acknowledgements: Array<{ by: string; afterMs: number }>;
  /** LED boards registered when it started, and how long each took to confirm (ms), by device id. */
  ledBoards: { total: number; confirmedMs: Record<string, number> };
  endedAt?: number;
  endedBy?: string;
}

const KEPT = 20;

export class DrillReports implements Feature {
  readonly name = 'drill-reports';
  private readonly reports: DrillReport[] = [];
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly hall: HallService,
    private readonly ledBoards: () => string[],
  ) {}

  start(): void {
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('playbook.activated', (c) => {
        const p = c.event.data.playbook;
        if (!p.drill) return;
        this.reports.push({
          playbookId: p.playbookId,
          name: p.name,
          startedAt: p.startedAt,
          startedBy: causeLabel(p.cause),
          acknowledgements: [],
          ledBoards: { total: this.ledBoards().length, confirmedMs: {} },
        });
        if (this.reports.length > KEPT) this.reports.shift();
      }),
      bus.on('playbook.acknowledged', (c) => {
        const r = this.running(c.event.data.playbookId);
        r?.acknowledgements.push({ by: c.event.data.by, afterMs: c.event.data.at - r.startedAt });
      }),
      bus.on('command.acked', ({ deviceId }) => {
        if (!this.ledBoards().includes(deviceId)) return;
        const now = this.hall.clock();
        for (const r of this.reports)
          if (r.endedAt === undefined && !(deviceId in r.ledBoards.confirmedMs))
            r.ledBoards.confirmedMs[deviceId] = now - r.startedAt;
      }),
      bus.on('playbook.deactivated', (c) => {
        const r = this.running(c.event.data.playbookId);
        if (!r) return;
        r.endedAt = c.event.data.at;
        r.endedBy = c.event.data.by;
        this.hall.audit(SYSTEM_ACTOR, {
          type: 'playbook.action',
          data: { playbookId: r.playbookId, action: 'drill-report', detail: reportView(r), drill: true },
        });
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  list(): Array<ReturnType<typeof reportView>> {
    return [...this.reports].reverse().map(reportView);
  }

  private running(playbookId: string): DrillReport | undefined {
    return [...this.reports].reverse().find((r) => r.playbookId === playbookId && r.endedAt === undefined);
  }
}

const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());

export function reportView(r: DrillReport) {
  const times = Object.values(r.ledBoards.confirmedMs);
  return {
    playbookId: r.playbookId,
    name: r.name,
    startedAt: iso(r.startedAt),
    startedBy: r.startedBy,
    acknowledgements: r.acknowledgements,
    ledBoards: {
      total: r.ledBoards.total,
      confirmed: times.length,
      /** Until every LED board showed it (null while some have not confirmed). */
      allConfirmedMs: r.ledBoards.total > 0 && times.length >= r.ledBoards.total ? Math.max(...times) : null,
    },
    endedAt: iso(r.endedAt),
    endedBy: r.endedBy ?? null,
  };
}
