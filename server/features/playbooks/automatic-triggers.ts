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
import { activePlaybooks, sameSource, type PlaybookCause } from '../../domain/playbooks.js';
import { log } from '../../log.js';
import { isStorageFull } from '../../store/storage-full.js';
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
/**
 * A trigger that has started its playbook this many times within FLAP_WINDOW_MS is flapping (a chattering fire-panel
 * contact): its release no longer ends the playbook at once, only once FLAP_QUIET_MS (hall clock, checked on the
 * tick) have passed with no alarm. Each start pages
 * and texts staff; a contact chattering 15 times a minute used up the security officer's SMS in a second and put a
 * real fire's text behind stale ones. The playbook stays on instead — the safe side of an alarm that cannot decide.
 */
export const FLAP_STARTS = 4;
export const FLAP_WINDOW_MS = 10 * 60_000;
export const FLAP_QUIET_MS = 2 * 60_000;

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
  /** When each playbook was last started by a trigger (within FLAP_WINDOW_MS), to tell a flapping one. */
  private readonly triggerStarts = new Map<string, number[]>();
  /** A flapping playbook's end, waiting for FLAP_QUIET_MS without an alarm: since when, and who releases it. */
  private readonly deferredEnds = new Map<string, { since: number; actor: Actor; cause: PlaybookCause }>();
  /**
   * A trigger's start or end that could not be written (the disk was full), by playbook: tried again on every tick
   * until it is, unless a newer verdict for the playbook comes first. An alarm is edge-triggered: without this, a
   * fire alarm raised while the disk was full would never start its playbook once space returned.
   */
  private readonly unwritten = new Map<string, { actor: Actor; cause: PlaybookCause; verdict: TriggerVerdict }>();
  /**
   * Playbooks a person ended while outside systems were down, with those systems: the outage is re-checked every tick,
   * and would start them again within seconds of the all-clear. They stay off until that system has been back.
   */
  private readonly clearedByHand = new Map<string, Set<IntegrationSystem>>();

  constructor(
    private readonly hall: HallService,
    private readonly proposals?: ProposalBook,
  ) {
    this.metrics = metricWatches(hall.hallFile.playbooks);
    this.watchesArrivals = this.metrics.some((w) => w.trigger.metric === 'arrivalsPer15MinOverCapacity');
  }

  start(): void {
    // A restart with a playbook a metric started still on: its watch waits for the release, or it would never end.
    for (const p of activePlaybooks(this.hall.state))
      if (p.cause.by === 'metric') {
        const metric = p.cause.metric;
        for (const w of this.metrics)
          if (w.playbookId === p.playbookId && w.trigger.metric === metric) w.machine.resumeOn();
      }
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('committed', (events) => {
        if (this.metrics.length > 0 && events.some((c) => c.event.type.startsWith('ticket.'))) this.queueMetricCheck();
        for (const c of events)
          if (c.event.type === 'playbook.deactivated' && c.actor.startsWith('user:'))
            this.clearedByHand.set(
              c.event.data.playbookId,
              new Set([...this.health].filter(([, h]) => !h.ok).map(([system]) => system)),
            );
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
    for (const [playbookId, u] of [...this.unwritten]) {
      this.unwritten.delete(playbookId);
      this.apply(u.actor, u.cause, [u.verdict]);
    }
    this.endQuietFlappers();
    this.checkMetrics();
    for (const system of this.health.keys()) this.checkIntegration(system);
    for (const p of this.proposals?.expire() ?? [])
      try {
        this.hall.audit(TRIGGER_ACTOR, {
          type: 'playbook.proposal_closed',
          data: { proposalId: p.id, playbookId: p.playbookId, outcome: 'expired' },
        });
      } catch (err) {
        if (!isStorageFull(err)) throw err;
        log.warn('the disk is full: a proposal’s expiry was not written', { proposalId: p.id });
      }
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
      this.unwritten.delete(v.playbookId);
      const active = activePlaybooks(this.hall.state).find((p) => p.playbookId === v.playbookId);
      try {
        if (v.holds) this.cancelDeferredEnd(v.playbookId);
        if (cause.by === 'integration') {
          // Per system: the platform working says nothing about the registration system the all-clear was about.
          const system = cause.system as IntegrationSystem;
          const cleared = this.clearedByHand.get(v.playbookId);
          if (!v.holds) cleared?.delete(system);
          else if (cleared?.has(system) && !active) continue;
        }
        if (v.holds && (!active || active.drill)) {
          if (v.mode === 'propose') this.propose(v.playbookId, cause);
          else {
            if (active)
              // A real alarm during a drill of the same playbook is the real incident, not part of the drill.
              this.hall.execute(actor, (ctx, s) => escalateDrill(ctx, s, { playbookId: v.playbookId, cause }));
            else this.hall.execute(actor, (ctx, s) => activatePlaybook(ctx, s, { playbookId: v.playbookId, cause }));
            this.startedByTrigger(v.playbookId);
          }
        } else if (!v.holds) {
          this.withdraw(v.playbookId);
          // Only the trigger that started it ends it: the platform coming back does not end an outage of the
          // registration system, nor a metric's release a playbook the fire panel started.
          if (active && sameSource(active.cause, cause)) {
            if (this.flapping(v.playbookId)) this.deferEnd(actor, cause, v.playbookId);
            else this.end(actor, cause, v.playbookId);
          }
        }
      } catch (err) {
        if (isStorageFull(err)) {
          this.unwritten.set(v.playbookId, { actor, cause, verdict: v });
          log.error('the disk is full: a playbook trigger is tried again until it can be written', {
            playbookId: v.playbookId,
            holds: v.holds,
          });
          continue;
        }
        if (!(err instanceof DomainError)) throw err;
        log.info('playbook trigger refused', { playbookId: v.playbookId, code: err.code });
      }
    }
  }

  private end(actor: Actor, cause: PlaybookCause, playbookId: string): void {
    this.hall.execute(actor, (ctx, s) =>
      deactivatePlaybook(ctx, s, { playbookId, reason: `${cause.by} trigger released`, automatic: true }),
    );
  }

  private startedByTrigger(playbookId: string): void {
    const now = this.hall.clock();
    const recent = (this.triggerStarts.get(playbookId) ?? []).filter((at) => now - at < FLAP_WINDOW_MS);
    recent.push(now);
    this.triggerStarts.set(playbookId, recent.slice(-FLAP_STARTS));
  }

  private flapping(playbookId: string): boolean {
    const now = this.hall.clock();
    return (this.triggerStarts.get(playbookId) ?? []).filter((at) => now - at < FLAP_WINDOW_MS).length >= FLAP_STARTS;
  }

  /** Ends a flapping playbook once its trigger has stayed released for FLAP_QUIET_MS (the tick checks); an alarm cancels it. */
  private deferEnd(actor: Actor, cause: PlaybookCause, playbookId: string): void {
    if (this.deferredEnds.has(playbookId)) return;
    this.deferredEnds.set(playbookId, { since: this.hall.clock(), actor, cause });
    this.hall.audit(TRIGGER_ACTOR, {
      type: 'playbook.action',
      data: {
        playbookId,
        action: 'trigger-flapping',
        detail: {
          startsInWindow: FLAP_STARTS,
          windowMinutes: FLAP_WINDOW_MS / 60_000,
          endsAfterQuietMs: FLAP_QUIET_MS,
        },
      },
    });
    log.warn('playbook trigger flapping: the playbook stays on until its alarm has been quiet', {
      playbookId,
      quietMs: FLAP_QUIET_MS,
    });
  }

  private endQuietFlappers(): void {
    const now = this.hall.clock();
    for (const [playbookId, d] of this.deferredEnds) {
      if (now - d.since < FLAP_QUIET_MS) continue;
      const active = activePlaybooks(this.hall.state).find((p) => p.playbookId === playbookId);
      try {
        if (active && sameSource(active.cause, d.cause)) this.end(d.actor, d.cause, playbookId);
      } catch (err) {
        if (isStorageFull(err)) continue; // still deferred: the next tick tries again
        if (!(err instanceof DomainError)) throw err;
      }
      this.deferredEnds.delete(playbookId);
      this.triggerStarts.delete(playbookId);
    }
  }

  private cancelDeferredEnd(playbookId: string): void {
    this.deferredEnds.delete(playbookId);
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
