/**
 * LED boards and pads follow the hall: each has a retained `desired` state (so a rebooted board shows the right
 * thing at once) and gets a `cmd/show` or `cmd/rate` when that changes.
 */
import type { HallTopics } from '../../devices/protocol/mqtt-topics.js';
import { counterBoardFrame, hallBoardFrame, type LedFrame } from '../../devices/led/index.js';
import { idlePad, ratingPrompt, thanksPad } from '../../devices/pad/index.js';
import type { CommittedEvent } from '../core/event-bus.js';
import type { HallService } from '../core/hall-service.js';
import { queueSummary } from '../domain/eta.js';
import type { CommandOutbox } from '../mqtt/command-outbox.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import type { DeviceDirectory } from './device-directory.js';

const SHOW_TTL_MS = 30_000;
const THANKS_MS = 5_000;

export class DisplayBoards {
  private readonly lastDesired = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly hall: HallService,
    private readonly directory: DeviceDirectory,
    private readonly outbox: CommandOutbox,
    private readonly link: MqttLink,
    private readonly t: HallTopics,
  ) {}

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  /** Brings every board and pad up to date (at start, after a reconnect, when a device is added). */
  refreshAll(): void {
    this.lastDesired.clear();
    this.updateLeds();
    for (const pad of this.directory.ofKind('pad')) if (pad.counterId) this.setDesired(pad.id, this.idle(pad.counterId), false);
  }

  onCommitted(events: CommittedEvent[]): void {
    this.updateLeds();
    for (const c of events) {
      const e = c.event;
      if (e.type === 'ticket.finished') {
        const t = this.hall.state.tickets.get(e.data.ticketId);
        if (!t) continue;
        for (const pad of this.directory.atCounter('pad', e.data.counterId)) {
          const counterName = this.counterName(e.data.counterId);
          const staffName = this.hall.state.counters.get(e.data.counterId)?.staffName;
          this.setDesired(pad.id, ratingPrompt({ ticketId: t.id, ticketNumber: t.number, counterName, staffName }), false);
          this.outbox.send(pad.id, 'rate', { ticketId: t.id }, 10 * 60_000);
        }
      } else if (e.type === 'evaluation.recorded' && e.data.counterId) {
        const counterId = e.data.counterId;
        for (const pad of this.directory.atCounter('pad', counterId)) {
          this.setDesired(pad.id, thanksPad({ counterName: this.counterName(counterId), score: e.data.score }), false);
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.setDesired(pad.id, this.idle(counterId), false);
          }, THANKS_MS);
          timer.unref();
          this.timers.add(timer);
        }
      } else if (e.type === 'counter.status') {
        for (const pad of this.directory.atCounter('pad', e.data.counterId)) this.setDesired(pad.id, this.idle(e.data.counterId), false);
      }
    }
  }

  private idle(counterId: string) {
    return idlePad({ counterName: this.counterName(counterId), staffName: this.hall.state.counters.get(counterId)?.staffName });
  }

  private counterName(counterId: string): string {
    return this.hall.hall.counters.find((c) => c.id === counterId)?.name ?? counterId;
  }

  counterFrame(counterId: string): LedFrame {
    const def = this.hall.hall.counters.find((c) => c.id === counterId)!;
    const c = this.hall.state.counters.get(counterId)!;
    const t = c.currentTicketId ? this.hall.state.tickets.get(c.currentTicketId) : undefined;
    const active = t && (t.status === 'called' || t.status === 'serving') ? t : undefined;
    return counterBoardFrame({
      counterName: def.name,
      number: active?.number ?? null,
      status: c.status,
      ticketStatus: active?.status as 'called' | 'serving' | undefined,
      pauseReason: c.pauseReason,
      tags: def.tags,
    });
  }

  hallFrame(): LedFrame {
    const { hall: file, state } = this.hall;
    const queues = queueSummary(file, state);
    return hallBoardFrame({
      banner: state.emergency?.banner,
      calls: state.recentCalls.map((c) => ({
        number: c.number,
        counterName: file.counters.find((x) => x.id === c.counterId)?.name ?? c.counterId,
        outOfTurn: c.outOfTurn,
      })),
      queues: file.services.map((s) => ({ serviceName: s.name, waiting: queues[s.id].waiting })),
    });
  }

  private updateLeds(): void {
    let hallFrame: LedFrame | undefined;
    for (const led of this.directory.ofKind('led')) {
      const frame = led.counterId ? this.counterFrame(led.counterId) : (hallFrame ??= this.hallFrame());
      this.setDesired(led.id, frame, true);
    }
  }

  /** Publishes the retained desired state when it changed; LEDs also get a `show` command with it. */
  private setDesired(deviceId: string, desired: object, withShow: boolean): void {
    const json = JSON.stringify(desired);
    if (this.lastDesired.get(deviceId) === json) return;
    this.lastDesired.set(deviceId, json);
    this.link.publish(this.t.deviceDesired(deviceId), json, { qos: 1, retain: true });
    if (withShow) this.outbox.send(deviceId, 'show', desired as Record<string, unknown>, SHOW_TTL_MS, { supersede: true });
  }
}
