/**
 * Which retained topics a batch of events can have changed, from what each topic is built of (state-publisher.ts):
 * a counter's topic from that counter and the ticket it holds; the calls from the recent calls; a service's queue
 * from its waiting tickets, its running average and the counters that serve it; the emergency topic from the
 * playbooks. Anything not listed here rebuilds every topic, so a new event type can only cost time, never a stale
 * topic. tests/core/retained-touched.property.test.ts holds it to a full rebuild after random commands.
 */
import type { CommittedEvent } from '../../core/event-bus.js';

export interface TouchedTopics {
  counters: Set<string>;
  services: Set<string>;
  calls: boolean;
  emergency: boolean;
}

/**
 * The topics the batch touched, or undefined when every topic must be rebuilt. `holding` gives the counters whose
 * current ticket is the one named (after the batch): a counter shows the status of the ticket it holds.
 */
export function touchedTopics(
  committed: readonly CommittedEvent[],
  holding: (ticketId: string) => Iterable<string>,
): TouchedTopics | undefined {
  const touched: TouchedTopics = { counters: new Set(), services: new Set(), calls: false, emergency: false };
  for (const { event: e, ticket } of committed) {
    if (ticket) for (const counterId of holding(ticket.id)) touched.counters.add(counterId);
    switch (e.type) {
      case 'ticket.issued':
        touched.services.add(e.data.ticket.serviceId);
        break;
      // A call adds to the calls; each of these changes its counter's topic; a finish also moves its service's
      // average, and the ticket's service is cheap to rebuild for the others.
      case 'ticket.called':
      case 'ticket.recalled':
      case 'ticket.started':
      case 'ticket.finished':
      case 'ticket.no_show':
        if (e.type === 'ticket.called' || e.type === 'ticket.recalled') touched.calls = true;
        touched.counters.add(e.data.counterId);
        if (ticket) touched.services.add(ticket.serviceId);
        break;
      // A counter may have let go of the ticket, which the event does not always name: every counter.
      case 'ticket.reinstated':
      case 'ticket.cancelled':
      case 'ticket.transferred':
        return undefined;
      // Who serves a service moves its wait, and a sign-in can close another counter: everything.
      case 'counter.status':
        return undefined;
      case 'emergency.changed':
      case 'playbook.activated':
      case 'playbook.deactivated':
      case 'playbook.acknowledged':
        touched.emergency = true;
        break;
      // Frequent events that no retained topic is built from. Any other event rebuilds everything.
      case 'evaluation.recorded':
      case 'appointment.checked_in':
      case 'device.status':
        break;
      default:
        return undefined;
    }
  }
  return touched;
}
