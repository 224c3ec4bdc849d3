/**
 * Keeps the retained hall state topics in step with the store: state/counters/*, state/calls, state/queues/*,
 * state/emergency. Publishes only what changed, and everything again after each (re)connect.
 */
import type { HallTopics } from '../../../devices/protocol/mqtt-topics.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { queueSummary } from '../../domain/eta.js';
import { playbooksStateView } from '../../core/playbook-views.js';
import type { MqttLink } from '../../mqtt/mqtt-link.js';

export function hallStateTopics(hall: HallService, t: HallTopics): Map<string, unknown> {
  const { hallFile: file, state } = hall;
  const out = new Map<string, unknown>();
  for (const def of file.counters) {
    const c = state.counters.get(def.id)!;
    const ticket = c.currentTicketId ? state.tickets.get(c.currentTicketId) : undefined;
    out.set(t.counterState(def.id), {
      number: ticket?.number ?? null,
      status: c.status,
      serviceId: ticket?.serviceId ?? null,
      calledAt: ticket?.calledAt ? new Date(ticket.calledAt).toISOString() : null,
      ticketStatus: ticket?.status ?? null,
      pauseReason: c.pauseReason ?? null,
      name: def.name,
      outOfTurn: ticket?.outOfTurn?.category ?? null,
    });
  }
  out.set(
    t.calls(),
    state.recentCalls.slice(0, 10).map((call) => ({
      number: call.number,
      counterId: call.counterId,
      counterName: file.counters.find((c) => c.id === call.counterId)?.name ?? call.counterId,
      serviceId: call.serviceId,
      calledAt: new Date(call.at).toISOString(),
      recall: call.recall,
      ...(call.outOfTurn ? { outOfTurn: call.outOfTurn.category } : {}),
    })),
  );
  const queues = queueSummary(file, state);
  for (const s of file.services) out.set(t.queueState(s.id), queues[s.id]);
  // Contract v2: every active playbook and their combined effect (public view: no notes, no staff ids).
  out.set(t.emergency(), playbooksStateView(state, 'public'));
  return out;
}

export class StatePublisher implements Feature {
  readonly name = 'retained-state';
  private readonly last = new Map<string, string>();
  private unsubscribe?: () => void;
  private started = false;

  constructor(
    private readonly hall: HallService,
    private readonly link: MqttLink,
    private readonly t: HallTopics,
  ) {}

  start(): void {
    this.started = true;
    this.unsubscribe = this.hall.bus.on('committed', () => this.publish(false));
    this.link.onConnect(() => this.started && this.publish(true));
  }

  stop(): void {
    this.started = false;
    this.unsubscribe?.();
  }

  publish(force: boolean): void {
    for (const [topic, value] of hallStateTopics(this.hall, this.t)) {
      const json = JSON.stringify(value);
      if (!force && this.last.get(topic) === json) continue;
      this.last.set(topic, json);
      this.link.publish(topic, json, { qos: 1, retain: true });
    }
  }
}
