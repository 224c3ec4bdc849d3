/**
 * LED boards follow the hall: each has a retained `desired` state (so a rebooted board shows the right thing at once)
 * and gets a `cmd/show` when that changes — a counter's board its number and status, a hall board the latest calls
 * and the queues; both the top banner of the active playbooks while there is one.
 */
import { counterBoardFrame, hallBoardFrame, type LedFrame } from '../../../devices/led/index.js';
import { queueSummary } from '../../domain/eta.js';
import { DesiredStateFeature } from '../desired-state.js';

const SHOW_TTL_MS = 30_000;

export class LedBoards extends DesiredStateFeature {
  readonly name = 'led-boards';

  protected publishAll(): void {
    this.updateLeds();
  }

  protected onCommitted(): void {
    this.updateLeds();
  }

  counterFrame(counterId: string): LedFrame {
    const def = this.hall.hallFile.counters.find((c) => c.id === counterId)!;
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
      // While a playbook with a banner is active, every board says it: the most severe one, drill-marked.
      banner: this.hall.state.emergency?.banner,
    });
  }

  hallFrame(): LedFrame {
    const { hallFile: file, state } = this.hall;
    const queues = queueSummary(file, state);
    return hallBoardFrame({
      banner: state.emergency?.banner,
      calls: state.recentCalls.map((c) => ({
        number: c.number,
        counterName: file.counters.find((x) => x.id === c.counterId)?.name ?? c.counterId,
        outOfTurn: c.outOfTurn,
        recall: c.recall,
        green: c.green,
      })),
      queues: file.services.map((s) => ({ serviceName: s.name, waiting: queues[s.id].waiting })),
    });
  }

  private updateLeds(): void {
    let hallFrame: LedFrame | undefined;
    for (const led of this.directory.ofKind('led')) {
      const frame = led.counterId ? this.counterFrame(led.counterId) : (hallFrame ??= this.hallFrame());
      if (this.setDesired(led.id, frame))
        this.outbox.send(led.id, 'show', frame as unknown as Record<string, unknown>, SHOW_TTL_MS, { supersede: true });
    }
  }
}
