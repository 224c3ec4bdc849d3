/**
 * Appointment reminders the day before: a daily job (node-cron, the hall's time zone, SMS_REMINDER_CRON) asks the
 * SMS outbox to text every booked appointment of tomorrow that has a phone, once (key `reminder:<id>:<slotStart>`).
 */
import { atZonedTimes } from '../../../jobs/schedules.js';
import type { EventBus } from '../../../core/event-bus.js';
import type { HallService } from '../../../core/hall-service.js';
import { addDays, hallDay } from '../../../domain/clock.js';
import { smsDateTime } from '../../../domain/sms-wording.js';

export class AppointmentReminders {
  private task: { stop(): unknown } | undefined;

  constructor(
    private readonly hall: HallService,
    private readonly bus: EventBus,
    private readonly cronExpression: string,
  ) {}

  start(): void {
    this.task = atZonedTimes(this.cronExpression, this.hall.site.timezone, 'appointment reminders', () =>
      this.remindTomorrow(),
    );
  }

  stop(): void {
    this.task?.stop();
  }

  /** Asks for a reminder for each of tomorrow's booked appointments with a phone; returns how many were asked. */
  remindTomorrow(): number {
    const tz = this.hall.site.timezone;
    const tomorrow = addDays(hallDay(this.hall.clock(), tz), 1);
    let asked = 0;
    for (const a of this.hall.state.appointments.values()) {
      if (a.status !== 'booked' || !a.phoneSealed || hallDay(a.slotStart, tz) !== tomorrow) continue;
      const service = this.hall.hallFile.services.find((s) => s.id === a.serviceId)?.name ?? a.serviceId;
      this.bus.emit('sms.request', {
        to: { appointmentId: a.id },
        template: 'appointment-reminder',
        params: {
          ...smsDateTime(a.slotStart, tz),
          service,
          code: a.code,
        },
        key: `reminder:${a.id}:${a.slotStart}`,
      });
      asked++;
    }
    return asked;
  }
}
