/**
 * Keeps the retained hall state topics in step with the store: state/counters/*, state/calls, state/queues/*,
 * state/emergency. After a batch it rebuilds only the topics its events can touch (touched-topics.ts) and publishes
 * those that changed; everything again after each (re)connect.
 */
import type { HallTopics } from '../../../devices/protocol/mqtt-topics.js';
import type { CommittedEvent } from '../../core/event-bus.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { serviceQueueSummary } from '../../domain/eta.js';
import { playbooksStateView } from '../../core/playbook-views.js';
import type { MqttLink } from '../../mqtt/mqtt-link.js';
import { touchedTopics, type TouchedTopics } from './touched-topics.js';

/** The retained topics and their values: every one, or those `only` names. */
export function hallStateTopics(hall: HallService, t: HallTopics, only?: TouchedTopics): Map<string, unknown> {
  const { hallFile: file, state } = hall;
  const out = new Map<string, unknown>();
  for (const def of file.counters) {
    if (only && !only.counters.has(def.id)) continue;
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
  if (!only || only.calls)
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
        ...(call.green ? { green: true } : {}),
      })),
    );
  for (const s of file.services)
    if (!only || only.services.has(s.id)) out.set(t.queueState(s.id), serviceQueueSummary(file, state, s.id));
  // Contract v2: every active playbook and their combined effect (public view: no notes, no staff ids).
  if (!only || only.emergency) out.set(t.emergency(), playbooksStateView(state, 'public'));
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
    this.unsubscribe = this.hall.bus.on('committed', (committed) => this.publish(false, committed));
    this.link.onConnect(() => this.started && this.publish(true));
  }

  stop(): void {
    this.started = false;
    this.unsubscribe?.();
  }

  /** Publishes the topics that changed (every one when forced): after a batch, only among those it can touch. */
  publish(force: boolean, committed?: readonly CommittedEvent[]): void {
    const only = committed && touchedTopics(committed, (ticketId) => this.holding(ticketId));
    for (const [topic, value] of hallStateTopics(this.hall, this.t, only)) {
      const json = JSON.stringify(value);
      if (!force && this.last.get(topic) === json) continue;
      this.last.set(topic, json);
      this.link.publish(topic, json, { qos: 1, retain: true });
    }
  }

  private *holding(ticketId: string): Iterable<string> {
    for (const c of this.hall.state.counters.values()) if (c.currentTicketId === ticketId) yield c.id;
  }
}
