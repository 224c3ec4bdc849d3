/**
 * Playbooks started and ended by their triggers: device events (from the device intake, on the bus), metrics (after
 * each batch that touched tickets, and on a slow tick for durations) and integration health (`integration.health`).
 * A trigger set to `act` starts its playbook; one set to `propose` asks a manager (ProposalBook). A trigger ends only
 * what a trigger started: never a playbook a manager started.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { IntegrationSystem } from '../../core/event-bus.js';
import type { Actor } from '../../domain/decide/context.js';
import { activatePlaybook, deactivatePlaybook, escalateDrill } from '../../domain/decide/emergency.js';
import { DomainError } from '../../domain/errors.js';
import { activePlaybooks, type PlaybookCause } from '../../domain/playbooks.js';
import { log } from '../../log.js';
import type { ProposalBook } from '../../core/proposal-book.js';
import {
  deviceTriggerVerdicts,
  hallMetrics,
  integrationTriggerVerdicts,
  metricWatches,
  type Health,
  type MetricWatch,
  type TriggerVerdict,
} from './triggers.js';

const TRIGGER_ACTOR: Actor = { kind: 'system', id: 'playbook-trigger', role: 'system' };
/** Durations (metric `forSeconds`, integration `downForMinutes`) are checked this often between events. */
const TICK_MS = 5_000;
/** Metric thresholds are checked at most this often while commands stream in (see queueMetricCheck). */
const METRIC_CHECK_MS = 1_000;

export class AutomaticTriggers implements Feature {
  readonly name = 'playbook-triggers';
  private readonly unsubscribe: Array<() => void> = [];
  private readonly metrics: MetricWatch[];
  private readonly health = new Map<IntegrationSystem, Health>();
  private timer?: NodeJS.Timeout;
  private metricCheckQueued = false;
  private lastMetricCheckAt = -Infinity;
  private metricTimer?: NodeJS.Timeout;
  private readonly watchesArrivals: boolean;

  constructor(
    private readonly hall: HallService,
    private readonly proposals?: ProposalBook,
  ) {
    this.metrics = metricWatches(hall.hallFile.playbooks);
    this.watchesArrivals = this.metrics.some((w) => w.trigger.metric === 'arrivalsPer15MinOverCapacity');
  }

  start(): void {
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('committed', (events) => {
        if (this.metrics.length > 0 && events.some((c) => c.event.type.startsWith('ticket.'))) this.queueMetricCheck();
      }),
      bus.on('device.event', ({ device, name, body }) => {
        const actor: Actor = { kind: 'device', id: device.id, role: 'device', counterId: device.counterId };
        const cause: PlaybookCause = { by: 'device', deviceId: device.id, event: name };
        this.apply(actor, cause, deviceTriggerVerdicts(this.hall.hallFile.playbooks, device, name, body));
      }),
      bus.on('integration.health', ({ system, ok, since }) => {
        this.health.set(system, { ok, since });
        this.checkIntegration(system);
      }),
    );
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    clearInterval(this.timer);
    clearTimeout(this.metricTimer);
  }

  /** Re-checks what depends on time passing: metric durations, integration outages, proposals' expiry. */
  tick(): void {
    this.checkMetrics();
    for (const system of this.health.keys()) this.checkIntegration(system);
    for (const p of this.proposals?.expire() ?? [])
      this.hall.audit(TRIGGER_ACTOR, {
        type: 'playbook.proposal_closed',
        data: { proposalId: p.id, playbookId: p.playbookId, outcome: 'expired' },
      });
  }

  /** The outside systems down now and since when (the dashboard shows how long each outage has lasted). */
  outages(): Array<{ system: IntegrationSystem; since: number; minutes: number }> {
    const now = this.hall.clock();
    return [...this.health.entries()]
      .filter(([, h]) => !h.ok)
      .map(([system, h]) => ({ system, since: h.since, minutes: Math.max(0, Math.floor((now - h.since) / 60_000)) }));
  }

  private checkIntegration(system: IntegrationSystem): void {
    const health = this.health.get(system);
    if (!health) return;
    const cause: PlaybookCause = { by: 'integration', system, downSince: health.since };
    const actor: Actor = { kind: 'system', id: `integration-${system}`, role: 'system' };
    this.apply(
      actor,
      cause,
      integrationTriggerVerdicts(this.hall.hallFile.playbooks, system, health, this.hall.clock()),
    );
  }

  /**
   * At most once per METRIC_CHECK_MS however many commands come: the check walks every waiting ticket, which under
   * load cost more per command than the decision itself, and a threshold a second late changes nothing in a hall.
   * The first change after a quiet spell is checked at once (after the command has fanned out); later ones together.
   */
  private queueMetricCheck(): void {
    if (this.metricCheckQueued) return;
    this.metricCheckQueued = true;
    const wait = Math.max(0, this.lastMetricCheckAt + METRIC_CHECK_MS - Date.now());
    const run = () => {
      this.metricCheckQueued = false;
      this.lastMetricCheckAt = Date.now();
      this.checkMetrics();
    };
    if (wait === 0) queueMicrotask(run);
    else {
      this.metricTimer = setTimeout(run, wait);
      this.metricTimer.unref();
    }
  }

  checkMetrics(): void {
    if (this.metrics.length === 0) return;
    const now = this.hall.clock();
    const values = hallMetrics(this.hall.hallFile, this.hall.state, now, this.watchesArrivals);
    for (const w of this.metrics) {
      const value = values[w.trigger.metric];
      const change = w.machine.step(value, now);
      if (!change) continue;
      const cause: PlaybookCause = { by: 'metric', metric: w.trigger.metric, value: Math.round(value * 10) / 10 };
      const actor: Actor = { kind: 'system', id: `metric-${w.trigger.metric}`, role: 'system' };
      this.apply(actor, cause, [{ playbookId: w.playbookId, holds: change === 'fire', mode: w.trigger.mode }]);
    }
  }

  /** Starts (or proposes) a playbook whose trigger holds; ends one a trigger started when its trigger is released. */
  private apply(actor: Actor, cause: PlaybookCause, verdicts: TriggerVerdict[]): void {
    for (const v of verdicts) {
      const active = activePlaybooks(this.hall.state).find((p) => p.playbookId === v.playbookId);
      try {
        if (v.holds && (!active || active.drill)) {
          if (v.mode === 'propose') this.propose(v.playbookId, cause);
          else if (active)
            // A real alarm during a drill of the same playbook is the real incident, not part of the drill.
            this.hall.execute(actor, (ctx, s) => escalateDrill(ctx, s, { playbookId: v.playbookId, cause }));
          else this.hall.execute(actor, (ctx, s) => activatePlaybook(ctx, s, { playbookId: v.playbookId, cause }));
        } else if (!v.holds) {
          this.withdraw(v.playbookId);
          if (active && active.cause.by !== 'manager')
            this.hall.execute(actor, (ctx, s) =>
              deactivatePlaybook(ctx, s, {
                playbookId: v.playbookId,
                reason: `${cause.by} trigger released`,
                automatic: true,
              }),
            );
        }
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        log.info('playbook trigger refused', { playbookId: v.playbookId, code: err.code });
      }
    }
  }

  private propose(playbookId: string, cause: PlaybookCause): void {
    const p = this.proposals?.propose(playbookId, cause);
    if (!p) return;
    this.hall.audit(TRIGGER_ACTOR, { type: 'playbook.proposed', data: { proposalId: p.id, playbookId, cause } });
    log.info('playbook proposed', { playbookId, cause: cause.by });
  }

  private withdraw(playbookId: string): void {
    const p = this.proposals?.withdraw(playbookId);
    if (p)
      this.hall.audit(TRIGGER_ACTOR, {
        type: 'playbook.proposal_closed',
        data: { proposalId: p.id, playbookId, outcome: 'withdrawn' },
      });
  }
}
