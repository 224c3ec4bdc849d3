/**
 * The hall's hardware over MQTT: retained state, per-device desired state, commands with acks, device events
 * (deduplicated by id), availability from last wills, buttons, pads, printers and automatic playbook triggers.
 */
import { parseAvailability, parseEventPayload, parseJsonPayload, ackSchema } from '../../devices/protocol/mqtt-schemas.js';
import { isEventName, parseDeviceTopic, topics, type HallTopics } from '../../devices/protocol/mqtt-topics.js';
import type { CommittedEvent } from '../core/event-bus.js';
import type { HallService } from '../core/hall-service.js';
import type { Actor } from '../domain/decide/context.js';
import * as counters from '../domain/decide/counters.js';
import { deviceStatus } from '../domain/decide/devices.js';
import { activateEmergency, deactivateEmergency } from '../domain/decide/emergency.js';
import { rate } from '../domain/decide/evaluations.js';
import { DomainError } from '../domain/errors.js';
import type { DeviceRegistry } from '../http/device-registry.js';
import { log } from '../log.js';
import { CommandOutbox } from '../mqtt/command-outbox.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import { StatePublisher } from '../mqtt/state-publisher.js';
import type { Accounts, Device } from '../store/accounts.js';
import type { Db } from '../store/db.js';
import { Announcer } from './announcer.js';
import { isStatusFact } from './device-facts.js';
import { DeviceDirectory } from './device-directory.js';
import { DeviceIntakeLimiter } from './device-intake-limiter.js';
import { DisplayBoards } from './display-boards.js';
import { deviceTriggerVerdicts, issuingStrictness, metricTriggerVerdicts, playbookIssuing, type TriggerVerdict } from './playbook-triggers.js';
import { TicketPrinting } from './printing.js';

export interface HallDevicesOptions {
  hall: HallService;
  accounts: Accounts;
  db: Db;
  link: MqttLink;
  publicUrl: () => string;
  /** Called after devices change, e.g. to rewrite an external Mosquitto's password and ACL files. */
  onDevicesChanged?: () => void;
  retryMs?: number;
}

const METRIC_ACTOR: Actor = { kind: 'system', id: 'metric-trigger', role: 'system' };

export class HallDevices implements DeviceRegistry {
  readonly t: HallTopics;
  readonly directory: DeviceDirectory;
  readonly outbox: CommandOutbox;
  readonly printing: TicketPrinting;
  readonly announcer: Announcer;
  readonly boards: DisplayBoards;
  private readonly state: StatePublisher;
  private readonly seen;
  private readonly intake = new DeviceIntakeLimiter((topic, payload) => this.onMessage(topic, payload));
  private unsubscribe?: () => void;
  private noticeTimer?: NodeJS.Timeout;

  constructor(private readonly o: HallDevicesOptions) {
    this.t = topics(o.hall.hall.hall.id);
    this.directory = new DeviceDirectory(o.accounts);
    this.outbox = new CommandOutbox(o.db, o.link, this.t, { retryMs: o.retryMs });
    this.outbox.isOnline = (id) => this.directory.get(id)?.online ?? false;
    this.outbox.onFaulty = (id) => this.markFaulty(id, true);
    this.outbox.onRefused = (deviceId, name, payload, error) => {
      if (name === 'print') this.printing.onPrintRefused(deviceId, payload, error);
    };
    this.outbox.onAcked = (id) => {
      if (this.directory.get(id)?.faulty) this.markFaulty(id, false);
    };
    this.state = new StatePublisher(o.hall, o.link, this.t);
    this.printing = new TicketPrinting(o.hall, this.directory, this.outbox, o.publicUrl);
    this.announcer = new Announcer(o.hall, this.directory, this.outbox);
    this.boards = new DisplayBoards(o.hall, this.directory, this.outbox, o.link, this.t);
    this.seen = o.db.prepare('INSERT OR IGNORE INTO device_events_seen (device_id, event_id, at) VALUES (?, ?, ?)');
  }

  start(): void {
    const { link } = this.o;
    link.onMessage((topic, payload) => this.onMessage(topic, payload));
    link.subscribe(this.t.allDeviceStatus());
    link.subscribe(this.t.allDeviceAcks());
    link.subscribe(this.t.allDeviceEvents());
    this.state.start();
    this.outbox.start();
    link.onConnect(() => this.boards.refreshAll());
    this.unsubscribe = this.o.hall.bus.on('committed', (events) => this.onCommitted(events));
    this.syncNotices();
  }

  stop(): void {
    this.unsubscribe?.();
    this.state.stop();
    this.outbox.stop();
    this.boards.stop();
    this.intake.stop();
    clearInterval(this.noticeTimer);
  }

  // DeviceRegistry: the HTTP API tells us when devices are added or removed.
  added(device: Device): void {
    this.directory.refresh();
    this.boards.refreshAll();
    this.o.onDevicesChanged?.();
    log.info('device registered', { deviceId: device.id, kind: device.kind });
  }

  printDecisionFor(ticketId: string) {
    return this.printing.decisionFor(ticketId);
  }

  removed(deviceId: string): void {
    this.directory.refresh();
    // Clear what the broker keeps for it.
    this.o.link.publish(this.t.deviceDesired(deviceId), '', { qos: 1, retain: true });
    this.o.link.publish(this.t.deviceStatus(deviceId), '', { qos: 1, retain: true });
    this.o.onDevicesChanged?.();
  }

  private onCommitted(events: CommittedEvent[]): void {
    this.printing.onCommitted(events);
    this.announcer.onCommitted(events);
    this.boards.onCommitted(events);
    if (events.some((c) => c.event.type === 'emergency.changed')) this.syncNotices();
    if (events.some((c) => c.event.type.startsWith('ticket.'))) this.checkMetricTriggers();
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseDeviceTopic(this.o.hall.hall.hall.id, topic);
    if (!parsed) return;
    const device = this.directory.get(parsed.deviceId);
    if (!device) return; // unknown or removed device: ignore (the broker already refused its login)
    if (parsed.kind !== 'ack' && !this.intake.admit(parsed, topic, payload)) return; // over its rate
    if (parsed.kind === 'status') return this.onAvailability(device, payload);
    if (parsed.kind === 'ack') {
      const ack = parseJsonPayload(ackSchema, payload);
      if (ack.ok) this.outbox.ack(device.id, ack.value.id, ack.value.ok, ack.value.error);
      return;
    }
    if (parsed.kind === 'evt' && isEventName(parsed.name)) {
      const evt = parseEventPayload(parsed.name, payload);
      if (!evt.ok) {
        log.warn('device event refused', { deviceId: device.id, event: parsed.name, error: evt.error });
        return;
      }
      const body = evt.value as unknown as { id: string } & Record<string, unknown>;
      if (this.seen.run(device.id, body.id, Date.now()).changes === 0) return; // a resend we already handled
      this.onDeviceEvent(device, parsed.name, body);
    }
  }

  private onAvailability(device: Device, payload: Buffer): void {
    const availability = payload.length === 0 ? null : parseAvailability(payload);
    if (!availability) return;
    const online = availability === 'online';
    if (device.online === online) return;
    this.o.accounts.setDeviceOnline(device.id, online, Date.now());
    this.directory.refresh();
    this.record(device, online, device.lastStatus);
    if (online) {
      this.outbox.flush(device.id);
    } else {
      log.warn('device went offline', { deviceId: device.id, kind: device.kind });
    }
  }

  private onDeviceEvent(device: Device, name: string, body: Record<string, unknown>): void {
    const actor: Actor = { kind: 'device', id: device.id, role: 'device', counterId: device.counterId };
    try {
      if (name === 'status') {
        const status = { paper: body.paper, cover: body.cover, error: body.error ?? null };
        if (JSON.stringify(status) !== JSON.stringify(device.lastStatus ?? null)) {
          this.o.accounts.setDeviceStatus(device.id, status, Date.now());
          this.directory.refresh();
          if (isStatusFact(device, status)) this.record(device, true, status);
        }
      } else if (name === 'press' && device.kind === 'button' && device.counterId) {
        const counterId = device.counterId;
        const button = body.button;
        if (button === 'call') this.o.hall.execute(actor, (ctx, s) => counters.callNext(ctx, s, counterId));
        else if (button === 'recall') this.o.hall.execute(actor, (ctx, s) => counters.recall(ctx, s, counterId));
        else if (button === 'no-show') this.o.hall.execute(actor, (ctx, s) => counters.noShow(ctx, s, counterId));
      } else if (name === 'rating' && device.kind === 'pad') {
        this.o.hall.execute({ ...actor, role: 'pad' }, (ctx, s) => rate(ctx, s, String(body.ticketId), Number(body.score)));
      }
      this.applyTriggers(actor, deviceTriggerVerdicts(this.o.hall.hall.playbooks, device.id, name, body));
    } catch (err) {
      if (err instanceof DomainError) log.info('device action refused', { deviceId: device.id, event: name, code: err.code });
      else throw err;
    }
  }

  /** Starts a playbook whose trigger holds; ends one that a trigger started when it no longer holds. */
  private applyTriggers(actor: Actor, verdicts: TriggerVerdict[]): void {
    const hall = this.o.hall;
    for (const v of verdicts) {
      const active = hall.state.emergency;
      if (v.holds && active?.playbookId !== v.playbookId) {
        // A trigger replaces an active playbook (whoever started it) only with one that restricts issuing more:
        // a surge never reopens issuing during a fire evacuation.
        if (active && issuingStrictness(playbookIssuing(hall.hall, v.playbookId)) <= issuingStrictness(active.issuing)) continue;
        hall.execute(actor, (ctx, s) => activateEmergency(ctx, s, v.playbookId, 'automatic trigger'));
      } else if (!v.holds && active?.playbookId === v.playbookId && !active.by.startsWith('user:')) {
        hall.execute(actor, (ctx, s) => deactivateEmergency(ctx, s));
      }
    }
  }

  private checkMetricTriggers(): void {
    let waiting = 0;
    for (const list of this.o.hall.state.queues.values()) waiting += list.length;
    const verdicts = metricTriggerVerdicts(this.o.hall.hall.playbooks, { waiting });
    if (verdicts.length === 0) return;
    // Run after the current command has finished fanning out.
    queueMicrotask(() => {
      try {
        this.applyTriggers(METRIC_ACTOR, verdicts);
      } catch (err) {
        log.warn('metric trigger failed', { error: (err as Error).message });
      }
    });
  }

  /** Plays the active playbook's announcement, repeating it as the playbook says. */
  private syncNotices(): void {
    clearInterval(this.noticeTimer);
    const active = this.o.hall.state.emergency;
    if (!active) return;
    const playbook = this.o.hall.hall.playbooks.find((p) => p.id === active.playbookId);
    const announce = playbook?.actions.find((a): a is { announce: string; repeatEverySeconds?: number } => 'announce' in a);
    if (!announce) return;
    this.announcer.notice(announce.announce);
    if (announce.repeatEverySeconds) {
      this.noticeTimer = setInterval(() => this.announcer.notice(announce.announce), announce.repeatEverySeconds * 1000);
      this.noticeTimer.unref();
    }
  }

  private markFaulty(deviceId: string, faulty: boolean): void {
    this.o.accounts.setDeviceFaulty(deviceId, faulty);
    this.directory.refresh();
    const device = this.directory.get(deviceId);
    if (device) this.record(device, device.online, { ...(device.lastStatus ?? {}), faulty });
  }

  private record(device: Device, online: boolean, status?: Record<string, unknown>): void {
    this.o.hall.execute({ kind: 'device', id: device.id, role: 'device' }, (ctx, s) =>
      deviceStatus(ctx, s, { deviceId: device.id, kind: device.kind, online, status }),
    );
  }
}
