/**
 * Drill reports: for each playbook run as a drill, when it started and by whom, who acknowledged it and when, how long
 * until each LED board confirmed the new banner (its first command ack after the start) and until each registered
 * screen (hall board, counter display, kiosk, pad) was handed it over the live stream, and when it ended. Derived
 * from the log, so they survive a restart: a running drill from the active set (start, cause, acknowledgements) and
 * its `drill-led-confirmed` audit entries; an ended one from the `drill-report` audit entry written when it ended.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { activePlaybooks, causeLabel, type ActivePlaybook } from '../../domain/playbooks.js';

export interface DrillReport {
  playbookId: string;
  name: string;
  startedAt: number;
  startedBy: string;
  acknowledgements: Array<{ by: string; afterMs: number }>;
  /** LED boards registered when it started, and how long each took to confirm (ms), by device id. */
  ledBoards: { total: number; confirmedMs: Record<string, number> };
  /**
   * Registered screens when it started, and how long until the live stream had handed each the playbook (ms), by
   * device id. Not kept over a restart while it runs: each screen counts again when it reconnects.
   */
  screens: { total: number; reachedMs: Record<string, number> };
  endedAt?: number;
  endedBy?: string;
}

export type DrillReportView = ReturnType<typeof reportView>;

const KEPT = 20;
const ACTION = 'playbook.action';
const LED_CONFIRMED = 'drill-led-confirmed';
const REPORT = 'drill-report';

export class DrillReports implements Feature {
  readonly name = 'drill-reports';
  /** Drills running now, by playbook id. */
  private readonly running = new Map<string, DrillReport>();
  /** Ended drills' reports, newest first: read from the log on first use, then kept up to date. */
  private ended?: DrillReportView[];
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly hall: HallService,
    private readonly ledBoards: () => string[],
    private readonly screens: () => string[] = () => [],
  ) {}

  start(): void {
    for (const p of activePlaybooks(this.hall.state)) if (p.drill) this.running.set(p.playbookId, this.resume(p));
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('playbook.activated', (c) => {
        const p = c.event.data.playbook;
        if (p.drill) this.running.set(p.playbookId, this.fresh(p, this.ledBoards().length));
      }),
      bus.on('screens.reached', ({ deviceIds, at }) => {
        if (this.running.size === 0) return;
        const registered = new Set(this.screens());
        for (const r of this.running.values())
          for (const id of deviceIds)
            if (registered.has(id) && !(id in r.screens.reachedMs))
              r.screens.reachedMs[id] = Math.max(0, at - r.startedAt);
      }),
      bus.on('playbook.acknowledged', (c) => {
        const r = this.running.get(c.event.data.playbookId);
        r?.acknowledgements.push({ by: c.event.data.by, afterMs: c.event.data.at - r.startedAt });
      }),
      bus.on('command.acked', ({ deviceId }) => {
        if (this.running.size === 0 || !this.ledBoards().includes(deviceId)) return;
        const now = this.hall.clock();
        for (const r of this.running.values()) {
          if (deviceId in r.ledBoards.confirmedMs) continue;
          const afterMs = now - r.startedAt;
          r.ledBoards.confirmedMs[deviceId] = afterMs;
          this.audit(r.playbookId, LED_CONFIRMED, { deviceId, afterMs });
        }
      }),
      bus.on('playbook.deactivated', (c) => {
        const r = this.running.get(c.event.data.playbookId);
        if (!r) return;
        this.running.delete(r.playbookId);
        r.endedAt = c.event.data.at;
        r.endedBy = c.event.data.by;
        const view = reportView(r);
        this.audit(r.playbookId, REPORT, view);
        // Not read yet: the first read finds this one in the log with the others.
        if (this.ended) this.ended = [view, ...this.ended].slice(0, KEPT);
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** The latest drills, newest first: running ones, then ended ones. */
  list(): DrillReportView[] {
    this.ended ??= this.hall.log
      .newestOfType(ACTION, `"action":"${REPORT}"`, KEPT)
      .map((e) => e.data as { action: string; detail: DrillReportView })
      .filter((d) => d.action === REPORT)
      .map((d) => d.detail);
    const running = [...this.running.values()].sort((a, b) => b.startedAt - a.startedAt).map(reportView);
    return [...running, ...this.ended].slice(0, KEPT);
  }

  private fresh(p: ActivePlaybook, ledBoards: number): DrillReport {
    return {
      playbookId: p.playbookId,
      name: p.name,
      startedAt: p.startedAt,
      startedBy: causeLabel(p.cause),
      acknowledgements: p.acknowledgements.map((a) => ({ by: a.by, afterMs: a.at - p.startedAt })),
      ledBoards: { total: ledBoards, confirmedMs: {} },
      screens: { total: this.screens().length, reachedMs: {} },
    };
  }

  /** A drill that was running when the server stopped: its LED confirmations from the log since it started. */
  private resume(p: ActivePlaybook): DrillReport {
    const r = this.fresh(p, this.ledBoards().length);
    const fragment = `"playbookId":${JSON.stringify(p.playbookId)}`;
    for (const e of this.hall.log.newestOfType(ACTION, fragment, 1000, p.startedAt)) {
      const data = e.data as { action: string; detail?: { deviceId?: string; afterMs?: number } };
      const { deviceId, afterMs } = data.detail ?? {};
      if (data.action === LED_CONFIRMED && typeof deviceId === 'string' && typeof afterMs === 'number')
        r.ledBoards.confirmedMs[deviceId] = afterMs;
    }
    return r;
  }

  private audit(playbookId: string, action: string, detail: Record<string, unknown>): void {
    this.hall.audit(SYSTEM_ACTOR, { type: 'playbook.action', data: { playbookId, action, detail, drill: true } });
  }
}

const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());

export function reportView(r: DrillReport) {
  const times = Object.values(r.ledBoards.confirmedMs);
  const reached = Object.values(r.screens.reachedMs);
  const screenTotal = r.screens.total;
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
    screens: {
      total: screenTotal,
      reached: reached.length,
      /** Until every registered screen had it (null while some have not: offline, or not reconnected yet). */
      allReachedMs: screenTotal > 0 && reached.length >= screenTotal ? Math.max(...reached) : null,
    },
    endedAt: iso(r.endedAt),
    endedBy: r.endedBy ?? null,
  };
}
