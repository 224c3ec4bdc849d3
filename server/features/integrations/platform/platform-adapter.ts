/**
 * The appointment platform's adapter, a feature: every PLATFORM_SYNC_SECONDS (and at start) it pulls bookings, then
 * pushes what the platform waits to hear; one run at a time. Off while PLATFORM_URL is unset.
 */
import type { EventBus } from '../../../core/event-bus.js';
import type { Feature } from '../../../core/feature.js';
import type { HallService } from '../../../core/hall-service.js';
import { log } from '../../../log.js';
import type { Db } from '../../../store/db.js';
import { IntegrationHealth } from '../health.js';
import type { OutsideTarget } from '../outside-call.js';
import { BookingAcks } from './booking-acks.js';
import { BookingSync } from './booking-sync.js';
import { PlatformApi } from './platform-api.js';

export class PlatformAdapter implements Feature {
  readonly name = 'platform-sync';
  readonly health: IntegrationHealth;
  readonly sync: BookingSync;
  readonly acks: BookingAcks;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: Array<() => void> = [];
  private current: Promise<void> = Promise.resolve();
  private running = false;
  private stopped = false;

  constructor(
    private readonly hall: HallService,
    db: Db,
    private readonly bus: EventBus,
    private readonly target: OutsideTarget | undefined,
    private readonly intervalMs: number,
  ) {
    this.health = new IntegrationHealth('platform', !!target, bus, hall.clock, () => this.acks?.backlog() ?? 0);
    const api = new PlatformApi(target ?? { url: 'http://unset.invalid', timeoutMs: 1 }, hall.site.id);
    const stopped = () => this.stopped;
    this.sync = new BookingSync(hall, db, api, this.health, stopped);
    this.acks = new BookingAcks(hall, db, api, this.health, stopped);
  }

  start(): void {
    if (!this.target) return;
    this.unsubscribe = this.acks.listen(this.bus, () => void this.tick());
    const missed = this.acks.reconcile();
    if (missed > 0) log.warn('platform events queued at start that a stop had cut off', { missed });
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const off of this.unsubscribe) off();
    await this.current;
  }

  /** One pull-and-push run now, after the one in flight (tests and the catch-up after an outage call it). */
  async runNow(): Promise<void> {
    await this.current;
    await this.tick();
  }

  private tick(): Promise<void> {
    if (this.running || this.stopped) return this.current;
    this.running = true;
    this.current = (async () => {
      try {
        await this.acks.push(await this.sync.run());
      } catch (err) {
        this.health.failed((err as Error).message);
        log.error('platform sync failed', { error: (err as Error).message });
      } finally {
        this.running = false;
      }
    })();
    return this.current;
  }
}
