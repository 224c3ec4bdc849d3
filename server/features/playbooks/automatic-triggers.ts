/**
 * Playbooks started and ended by their triggers: a device event (from the device intake, on the bus) or a metric
 * (people waiting, after each batch that touched tickets). A playbook a manager started is never ended by a trigger.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { Actor } from '../../domain/decide/context.js';
import { activateEmergency, deactivateEmergency } from '../../domain/decide/emergency.js';
import { DomainError } from '../../domain/errors.js';
import { log } from '../../log.js';
import {
  deviceTriggerVerdicts,
  issuingStrictness,
  metricTriggerVerdicts,
  playbookIssuing,
  type TriggerVerdict,
} from './triggers.js';

const METRIC_ACTOR: Actor = { kind: 'system', id: 'metric-trigger', role: 'system' };

export class AutomaticTriggers implements Feature {
  readonly name = 'playbook-triggers';
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly hall: HallService) {}

  start(): void {
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('committed', (events) => {
        if (events.some((c) => c.event.type.startsWith('ticket.'))) this.checkMetricTriggers();
      }),
      bus.on('device.event', ({ device, name, body }) => {
        const actor: Actor = { kind: 'device', id: device.id, role: 'device', counterId: device.counterId };
        try {
          this.applyTriggers(actor, deviceTriggerVerdicts(this.hall.hallFile.playbooks, device.id, name, body));
        } catch (err) {
          if (err instanceof DomainError)
            log.info('device action refused', { deviceId: device.id, event: name, code: err.code });
          else throw err;
        }
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Starts a playbook whose trigger holds; ends one that a trigger started when it no longer holds. */
  private applyTriggers(actor: Actor, verdicts: TriggerVerdict[]): void {
    const hall = this.hall;
    for (const v of verdicts) {
      const active = hall.state.emergency;
      if (v.holds && active?.playbookId !== v.playbookId) {
        // A trigger replaces an active playbook (whoever started it) only with one that restricts issuing more:
        // a surge never reopens issuing during a fire evacuation.
        if (
          active &&
          issuingStrictness(playbookIssuing(hall.hallFile, v.playbookId)) <= issuingStrictness(active.issuing)
        )
          continue;
        hall.execute(actor, (ctx, s) => activateEmergency(ctx, s, v.playbookId, 'automatic trigger'));
      } else if (!v.holds && active?.playbookId === v.playbookId && !active.by.startsWith('user:')) {
        hall.execute(actor, (ctx, s) => deactivateEmergency(ctx, s));
      }
    }
  }

  private checkMetricTriggers(): void {
    let waiting = 0;
    for (const list of this.hall.state.queues.values()) waiting += list.length;
    const verdicts = metricTriggerVerdicts(this.hall.hallFile.playbooks, { waiting });
    if (verdicts.length === 0) return;
    // Run after the current command has finished fanning out.
    queueMicrotask(() => {
      try {
        this.applyTriggers(METRIC_ACTOR, verdicts);
      } catch (err) {
        log.warn('metric trigger failed', { error: (err as Error).message });
      }
    });
  }
}
