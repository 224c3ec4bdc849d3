/**
 * A typed in-process bus: features listen here for committed events (a whole batch, or one event type), incoming
 * MQTT and what other features report; one failing listener cannot break the others.
 */
import type { CommandName } from '../../devices/protocol/mqtt-topics.js';
import type { EventOf, HallEvent, HallEventType } from '../domain/events.js';
import type { Ticket } from '../domain/types.js';
import { log } from '../log.js';
import type { Device } from '../store/accounts.js';

/** A committed state event with its place in the log and in the live stream. */
export interface CommittedEvent<K extends HallEventType = HallEventType> {
  seq: number;
  streamSeq: number;
  at: number;
  actor: string;
  event: K extends HallEventType ? EventOf<K> : HallEvent;
  /** The ticket the event is about, as the event left it (a copy): the fan-out runs after later commands. */
  ticket?: Ticket;
}

/** Everything on the bus: each name with its payload. A hall event type's listeners get each committed event of it. */
export type BusEvents = {
  /** A group commit's events, in log order (the live stream, retained state and LED boards want the batch). */
  committed: CommittedEvent[];
  /** A message from the broker on a topic the server subscribed to. */
  'mqtt.message': { topic: string; payload: Buffer };
  /** A device's event that the device intake accepted and acted on (deduplicated), for playbook triggers. */
  'device.event': { device: Device; name: string; body: Record<string, unknown> };
  /** Devices were added or removed: features that hold per-device state bring them up to date. */
  'devices.changed': { added?: Device; removedId?: string };
  /** A device acked a command; or never answered one after every retry; or refused one for good. */
  'command.acked': { deviceId: string };
  'command.unanswered': { deviceId: string };
  'command.refused': { deviceId: string; name: CommandName; payload: Record<string, unknown>; error: string };
  /** A playbook's notice to say on every hall-wide speaker. */
  'playbook.notice': { playbookId: string; text: string; rank: number };
  /**
   * An outside system's adapter changed its health (the registration system's probe, the appointment platform, the
   * SMS gateway): playbook triggers and the dashboard read it. `since` is when the current state began (ms).
   */
  'integration.health': { system: IntegrationSystem; ok: boolean; since: number; error?: string };
  /**
   * Registered screens (device tokens) the live stream has handed everything up to now, after a batch with a playbook
   * event or on connecting while a playbook is active: the drill report's "until every screen showed it".
   */
  'screens.reached': { deviceIds: string[]; at: number };
  /** The hall went on battery or back on mains (the UPS's evt/power): heavy optional work waits for mains. */
  'power.changed': { onBattery: boolean; at: number };
  /** Ask the SMS outbox to send a message (fire and forget: the outbox makes it durable or drops it when off). */
  'sms.request': { to: SmsRecipient; template: SmsTemplate; params: Record<string, string | number>; key: string };
} & { [K in HallEventType]: CommittedEvent<K> };

/** The outside systems HallQ is a client of (contract v2, integrations). */
export type IntegrationSystem = 'registration' | 'platform' | 'sms';
/** The SMS templates of contract v2. */
export type SmsTemplate = 'turn-near' | 'appointment-reminder' | 'slot-moved' | 'prereview-result' | 'playbook-notify';
/**
 * Whom to text: a ticket's, an appointment's or an online pre-review's stored phone (the outbox decrypts it), or a
 * staff member's.
 */
export type SmsRecipient =
  { ticketId: string } | { appointmentId: string } | { prereviewId: string } | { staff: string };

type Listener<T> = (payload: T) => void;
type Entry = { name: keyof BusEvents; fn: Listener<never> };

export class EventBus {
  /** One list in the order listeners were added: a batch listener and a per-type one keep their relative order. */
  private readonly listeners: Entry[] = [];
  private readonly names = new Set<keyof BusEvents>();

  /**
   * Listeners run in the order they were added; `first` puts one ahead of all the others (the live stream: the
   * hall's screens should not wait behind device commands written in the same tick). Returns the unsubscribe.
   */
  on<K extends keyof BusEvents>(name: K, fn: Listener<BusEvents[K]>, opts: { first?: boolean } = {}): () => void {
    const entry: Entry = { name, fn: fn as Listener<never> };
    if (opts.first) this.listeners.unshift(entry);
    else this.listeners.push(entry);
    this.names.add(name);
    return () => {
      const i = this.listeners.indexOf(entry);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit<K extends keyof BusEvents>(name: K, payload: BusEvents[K]): void {
    if (name !== 'committed') {
      if (this.names.has(name))
        for (const entry of [...this.listeners]) if (entry.name === name) this.run(entry, payload);
      return;
    }
    // A batch: each listener, in order, gets the batch or each of its events of the type it listens to.
    const batch = payload as CommittedEvent[];
    for (const entry of [...this.listeners]) {
      if (entry.name === 'committed') this.run(entry, batch);
      else for (const c of batch) if (c.event.type === entry.name) this.run(entry, c);
    }
  }

  private run(entry: Entry, payload: unknown): void {
    try {
      (entry.fn as Listener<unknown>)(payload);
    } catch (err) {
      log.error('bus listener failed', { event: entry.name, error: (err as Error).message });
    }
  }
}
