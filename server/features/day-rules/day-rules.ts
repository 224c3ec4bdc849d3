/**
 * The hall's rules that follow the clock rather than a request: appointment no-shows after the late window, extended
 * service at closing, and A/B posts (a counter left with people waiting asks its backups). Each runs through the one
 * write path as the system, audited.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR, type DecideContext, type Decision } from '../../domain/decide/context.js';
import { recordAppointmentNoShows } from '../../domain/decide/appointment-no-shows.js';
import { askBackupsForLongPauses, requestTakeover } from '../../domain/decide/backup-posts.js';
import { extendedServiceStep } from '../../domain/decide/extended-service.js';
import type { HallEventMap } from '../../domain/events.js';
import type { HallState, Ticket } from '../../domain/types.js';
import { log } from '../../log.js';
import { smsDateTime } from '../../domain/sms-wording.js';

/** Often enough that a no-show or the end of extended service is recorded within the minute. */
const EVERY_MS = 20_000;

type TimedRule = { name: string; decide: (ctx: DecideContext, state: HallState) => Decision };

export const TIMED_RULES: readonly TimedRule[] = [
  { name: 'appointment no-shows', decide: recordAppointmentNoShows },
  { name: 'extended service', decide: extendedServiceStep },
  { name: 'A/B posts', decide: askBackupsForLongPauses },
];

export class DayRules implements Feature {
  readonly name = 'day-rules';
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly hall: HallService,
    private readonly rules: readonly TimedRule[] = TIMED_RULES,
  ) {}

  start(): void {
    // Once a moved slot is on disk, its holder is told where a phone was given (the SMS outbox sends it).
    const bus = this.hall.bus;
    this.unsubscribe = [
      bus.on('ticket.slot_offered', (c) => this.textMovedSlot(c.event.data, c.ticket)),
      bus.on('counter.status', (c) => {
        if (c.event.data.change === 'sign-out') void this.askBackups(c.event.data.counterId);
      }),
    ];
    this.timer = setInterval(() => void this.tick(), EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A/B posts: staff signing out with people waiting asks the backups at once (long pauses are a timed rule). */
  private async askBackups(counterId: string): Promise<void> {
    try {
      await this.hall.submit(SYSTEM_ACTOR, (ctx, s) => requestTakeover(ctx, s, counterId, 'signed-out'));
    } catch (err) {
      log.error('A/B post request failed', { counterId, error: (err as Error).message });
    }
  }

  private textMovedSlot(d: HallEventMap['ticket.slot_offered'], ticket: Ticket | undefined): void {
    if (!ticket?.phoneSealed) return;
    const code = this.hall.state.appointments.get(d.appointmentId)?.code ?? '';
    this.hall.bus.emit('sms.request', {
      to: { ticketId: d.ticketId },
      template: 'slot-moved',
      params: {
        number: ticket.number,
        // What the template shows, in the hall's time zone; the ISO times stay for gateways that use them.
        ...smsDateTime(d.slotStart, this.hall.site.timezone),
        slotStart: new Date(d.slotStart).toISOString(),
        slotEnd: new Date(d.slotEnd).toISOString(),
        code,
      },
      key: `slot-moved:${d.ticketId}`,
    });
  }

  /** Runs every rule once against the hall's clock (the timer's job; tests call it after moving the clock). */
  async tick(): Promise<void> {
    if (this.running) return; // a slow disk: the next tick comes soon enough
    this.running = true;
    try {
      for (const rule of this.rules) {
        try {
          await this.hall.submit(SYSTEM_ACTOR, rule.decide);
        } catch (err) {
          log.error(`timed rule failed: ${rule.name}`, { error: (err as Error).message });
        }
      }
    } finally {
      this.running = false;
    }
  }
}
