/**
 * The registration system's (不动产登记系统) health: an HTTP probe every REGISTRATION_PROBE_SECONDS that expects
 * REGISTRATION_PROBE_STATUS. Failing for REGISTRATION_FAILURE_MINUTES is an outage on the bus (`integration.health`
 * {system: 'registration', ok: false}: the network-outage playbook's trigger); the first success after it, recovery.
 */
import type { EventBus } from '../../../core/event-bus.js';
import type { Feature } from '../../../core/feature.js';
import type { HallService } from '../../../core/hall-service.js';
import { IntegrationHealth } from '../health.js';
import { callOutside, type OutsideTarget } from '../outside-call.js';

export interface ProbeOptions {
  target: OutsideTarget;
  expectedStatus: number;
  intervalMs: number;
  failureMs: number;
}

export class RegistrationProbe implements Feature {
  readonly name = 'registration-probe';
  readonly health: IntegrationHealth;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    hall: HallService,
    bus: EventBus,
    private readonly opts: ProbeOptions | undefined,
  ) {
    this.health = new IntegrationHealth('registration', !!opts, bus, hall.clock, () => 0, opts?.failureMs ?? 0);
  }

  start(): void {
    if (!this.opts) return;
    this.timer = setInterval(() => void this.probe(), this.opts.intervalMs);
    this.timer.unref();
    void this.probe();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  /** One probe (the timer's, or a test's): a status other than the expected one is a failure. */
  probe(): Promise<void> {
    if (!this.opts) return Promise.resolve();
    this.inFlight ??= this.once(this.opts).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async once(opts: ProbeOptions): Promise<void> {
    const url = new URL(opts.target.url);
    const out = await callOutside({ ...opts.target, url: url.origin }, 'GET', url.pathname + url.search);
    if (out.status === opts.expectedStatus) this.health.succeeded();
    else
      this.health.failed(out.kind === 'answered' ? `HTTP ${out.status}, expected ${opts.expectedStatus}` : out.error);
  }
}
