/**
 * One outside system's health record: what GET /integrations shows and what the bus hears as `integration.health`
 * when it changes, and at its first success after a start (playbook triggers read it). A failure counts as an outage only once it has lasted `reportAfterMs`.
 */
import type { EventBus, IntegrationSystem } from '../../core/event-bus.js';
import { maskFreeText } from '../../domain/free-text-mask.js';
import { log } from '../../log.js';

export interface HealthView {
  configured: boolean;
  ok: boolean;
  /** When the current state (working or failing) began, ISO; null before the first call. */
  since: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** How long the system has been failing, in seconds; null while it works. */
  failingForSeconds: number | null;
  /** What waits to be sent or fetched: messages, acknowledgements. */
  backlog: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export class IntegrationHealth {
  private ok = true;
  private since: number | undefined;
  private failingSince: number | undefined;
  private lastSuccessAt: number | undefined;
  private lastError: string | undefined;

  constructor(
    readonly system: IntegrationSystem,
    readonly configured: boolean,
    private readonly bus: EventBus,
    private readonly clock: () => number,
    private readonly backlog: () => number = () => 0,
    private readonly reportAfterMs = 0,
  ) {}

  get working(): boolean {
    return this.ok;
  }

  succeeded(): void {
    const now = this.clock();
    this.lastSuccessAt = now;
    this.failingSince = undefined;
    if (this.since === undefined) {
      // The first word after a start is said on the bus too: an outage the hall was in when it stopped (a playbook
      // its trigger started) ends on it, though the record begins as working.
      this.since = now;
      this.bus.emit('integration.health', { system: this.system, ok: true, since: now });
      return;
    }
    if (this.ok) return;
    log.info('outside system working again', { system: this.system, failedForMs: now - (this.since ?? now) });
    this.ok = true;
    this.since = now;
    this.bus.emit('integration.health', { system: this.system, ok: true, since: now });
  }

  failed(error: string): void {
    const now = this.clock();
    this.lastError = error;
    this.failingSince ??= now;
    if (!this.ok || now - this.failingSince < this.reportAfterMs) return;
    this.ok = false;
    this.since = this.failingSince;
    // The outage begins and ends in the log too, once each (the dashboard and GET /integrations show it meanwhile).
    log.warn('outside system failing', { system: this.system, error: maskFreeText(error).slice(0, 200) });
    this.bus.emit('integration.health', { system: this.system, ok: false, since: this.failingSince, error });
  }

  view(): HealthView {
    const failing = this.failingSince !== undefined;
    return {
      configured: this.configured,
      ok: this.configured && this.ok && !failing,
      since: iso(this.since),
      lastSuccessAt: iso(this.lastSuccessAt),
      lastError: this.lastError ?? null,
      failingForSeconds: failing ? Math.round((this.clock() - this.failingSince!) / 1000) : null,
      backlog: this.configured ? this.backlog() : 0,
    };
  }
}
