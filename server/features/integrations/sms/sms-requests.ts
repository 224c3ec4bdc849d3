/** What asks the SMS outbox for messages on its own: `turn-near` from the queues, reminders the day before. */
import type { EventBus } from '../../../core/event-bus.js';
import type { Feature } from '../../../core/feature.js';
import type { HallService } from '../../../core/hall-service.js';
import { AppointmentReminders } from './appointment-reminders.js';
import { TurnNear } from './turn-near.js';

export class SmsRequests implements Feature {
  readonly name = 'sms-requests';
  readonly reminders: AppointmentReminders;
  private readonly turnNear: TurnNear;
  private unsubscribe: (() => void) | undefined;

  constructor(
    hall: HallService,
    private readonly bus: EventBus,
    reminderCron: string,
    private readonly enabled: boolean,
  ) {
    this.turnNear = new TurnNear(hall);
    this.reminders = new AppointmentReminders(hall, bus, reminderCron);
  }

  start(): void {
    if (!this.enabled) return;
    this.unsubscribe = this.turnNear.listen(this.bus);
    this.reminders.start();
  }

  stop(): void {
    this.unsubscribe?.();
    this.reminders.stop();
  }
}
