/**
 * Evaluation pads follow their counter: idle with the counter's name and clerk, the rating prompt when a ticket is
 * finished there (with a `cmd/rate`), thanks for five seconds after the rating. Each as a retained `desired` state.
 * The prompt closes when the next citizen is being served there, or when the rating window closes: the next person
 * at the window must never rate the previous one's service.
 */
import { idlePad, ratingPrompt, thanksPad } from '../../../devices/pad/index.js';
import type { CommittedEvent } from '../../core/event-bus.js';
import { PAD_RATING_WINDOW_MS } from '../../domain/decide/evaluations.js';
import { DesiredStateFeature } from '../desired-state.js';

const THANKS_MS = 5_000;

export class Pads extends DesiredStateFeature {
  readonly name = 'pads';
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The timer that closes each counter's open rating prompt. */
  private readonly asking = new Map<string, NodeJS.Timeout>();

  override stop(): void {
    super.stop();
    for (const t of this.timers) clearTimeout(t);
    for (const timer of this.asking.values()) clearTimeout(timer);
    this.asking.clear();
  }

  protected publishAll(): void {
    for (const pad of this.directory.ofKind('pad'))
      if (pad.counterId) this.setDesired(pad.id, this.idle(pad.counterId));
  }

  protected onCommitted(events: CommittedEvent[]): void {
    for (const c of events) {
      const e = c.event;
      if (e.type === 'ticket.finished') {
        const t = this.hall.state.tickets.get(e.data.ticketId);
        if (!t) continue;
        for (const pad of this.directory.atCounter('pad', e.data.counterId)) {
          const counterName = this.counterName(e.data.counterId);
          const staffName = this.hall.state.counters.get(e.data.counterId)?.staffName;
          this.setDesired(pad.id, ratingPrompt({ ticketId: t.id, ticketNumber: t.number, counterName, staffName }));
          this.outbox.send(pad.id, 'rate', { ticketId: t.id }, PAD_RATING_WINDOW_MS);
        }
        this.askUntilClosed(e.data.counterId);
      } else if (e.type === 'ticket.started' && this.asking.has(e.data.counterId)) {
        this.closePrompt(e.data.counterId); // the next citizen is at the window
      } else if (e.type === 'evaluation.recorded' && e.data.counterId) {
        const counterId = e.data.counterId;
        this.stopAsking(counterId);
        for (const pad of this.directory.atCounter('pad', counterId)) {
          this.setDesired(pad.id, thanksPad({ counterName: this.counterName(counterId), score: e.data.score }));
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.setDesired(pad.id, this.idle(counterId));
          }, THANKS_MS);
          timer.unref();
          this.timers.add(timer);
        }
      } else if (e.type === 'counter.status') {
        this.stopAsking(e.data.counterId);
        for (const pad of this.directory.atCounter('pad', e.data.counterId))
          this.setDesired(pad.id, this.idle(e.data.counterId));
      }
    }
  }

  private askUntilClosed(counterId: string): void {
    this.stopAsking(counterId);
    const timer = setTimeout(() => this.closePrompt(counterId), PAD_RATING_WINDOW_MS);
    timer.unref();
    this.asking.set(counterId, timer);
  }

  private stopAsking(counterId: string): void {
    clearTimeout(this.asking.get(counterId));
    this.asking.delete(counterId);
  }

  /** Back to idle, and the unanswered `cmd/rate` withdrawn (a pad still holding it must not send a rating). */
  private closePrompt(counterId: string): void {
    this.stopAsking(counterId);
    for (const pad of this.directory.atCounter('pad', counterId)) {
      this.setDesired(pad.id, this.idle(counterId));
      this.outbox.cancel(pad.id, 'rate');
    }
  }

  private idle(counterId: string) {
    return idlePad({
      counterName: this.counterName(counterId),
      staffName: this.hall.state.counters.get(counterId)?.staffName,
    });
  }

  private counterName(counterId: string): string {
    return this.hall.hallFile.counters.find((c) => c.id === counterId)?.name ?? counterId;
  }
}
