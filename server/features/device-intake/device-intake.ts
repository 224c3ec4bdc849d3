/**
 * Device intake: what the hall's hardware says over MQTT (put on the bus by the MQTT link) — availability from last
 * wills, acks of commands, device events (deduplicated by id): printer status, counter buttons, pad ratings. Each
 * accepted device event goes back on the bus for the playbook triggers. Also the HTTP API's word on added and removed
 * devices, and a device's faulty mark from the command outbox.
 */
import {
  parseAvailability,
  parseEventPayload,
  parseJsonPayload,
  ackSchema,
} from '../../../devices/protocol/mqtt-schemas.js';
import { isEventName, parseDeviceTopic, type HallTopics } from '../../../devices/protocol/mqtt-topics.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { Actor } from '../../domain/decide/context.js';
import * as counters from '../../domain/decide/counters.js';
import { deviceStatus } from '../../domain/decide/devices.js';
import { rate } from '../../domain/decide/evaluations.js';
import { DomainError } from '../../domain/errors.js';
import { log } from '../../log.js';
import { isStorageFull } from '../../store/storage-full.js';
import type { CommandOutbox } from '../../mqtt/command-outbox.js';
import type { DeviceDirectory } from '../../mqtt/device-directory.js';
import type { MqttLink } from '../../mqtt/mqtt-link.js';
import type { Accounts, Device } from '../../store/accounts.js';
import type { Db } from '../../store/db.js';
import { isStatusFact } from './device-facts.js';
import { DeviceIntakeLimiter } from './device-intake-limiter.js';

export interface DeviceIntakeOptions {
  hall: HallService;
  accounts: Accounts;
  db: Db;
  link: MqttLink;
  topics: HallTopics;
  directory: DeviceDirectory;
  outbox: CommandOutbox;
  /** Called after devices change, e.g. to rewrite an external Mosquitto's password and ACL files. */
  onDevicesChanged?: () => void;
}

export class DeviceIntake implements Feature {
  readonly name = 'device-intake';
  private readonly t: HallTopics;
  private readonly directory: DeviceDirectory;
  private readonly outbox: CommandOutbox;
  private readonly recordSeen;
  private readonly wasSeen;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly limiter = new DeviceIntakeLimiter((topic, payload) => this.onMessage(topic, payload));
  /** Messages (by their payload) whose press or rating a full disk kept from being written: not to be acknowledged. */
  private readonly unwritten = new WeakSet<Buffer>();

  constructor(private readonly o: DeviceIntakeOptions) {
    this.t = o.topics;
    this.directory = o.directory;
    this.outbox = o.outbox;
    this.recordSeen = o.db.prepare(
      'INSERT OR IGNORE INTO device_events_seen (device_id, event_id, at) VALUES (?, ?, ?)',
    );
    this.wasSeen = o.db.prepare('SELECT 1 FROM device_events_seen WHERE device_id = ? AND event_id = ?').pluck();
  }

  start(): void {
    const { link, hall } = this.o;
    link.subscribe(this.t.allDeviceStatus());
    link.subscribe(this.t.allDeviceAcks());
    link.subscribe(this.t.allDeviceEvents());
    this.unsubscribe.push(
      hall.bus.on('mqtt.message', ({ topic, payload }) => this.onMessage(topic, payload)),
      hall.bus.on('command.unanswered', ({ deviceId }) => this.markFaulty(deviceId, true)),
      hall.bus.on('command.acked', ({ deviceId }) => {
        if (this.directory.get(deviceId)?.faulty) this.markFaulty(deviceId, false);
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.limiter.stop();
  }

  /**
   * At a clean stop, before any feature stops: the reports kept over a device's rate are handled now, through the write
   * path and out on the bus to the triggers like any other (the broker has acknowledged them).
   */
  handleKeptReports(): void {
    try {
      this.limiter.flush();
    } catch (err) {
      log.error('device reports kept over the rate could not be handled at stop', { error: (err as Error).message });
    }
  }

  /** The HTTP API registered a device. */
  added(device: Device): void {
    this.directory.refresh();
    this.o.hall.bus.emit('devices.changed', { added: device });
    this.o.onDevicesChanged?.();
    log.info('device registered', { deviceId: device.id, kind: device.kind });
  }

  /** The HTTP API removed a device. */
  removed(deviceId: string): void {
    this.directory.refresh();
    // Clear what the broker keeps for it.
    this.o.link.publish(this.t.deviceDesired(deviceId), '', { qos: 1, retain: true });
    this.o.link.publish(this.t.deviceStatus(deviceId), '', { qos: 1, retain: true });
    this.o.hall.bus.emit('devices.changed', { removedId: deviceId });
    this.o.onDevicesChanged?.();
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseDeviceTopic(this.o.hall.site.id, topic);
    if (!parsed) return;
    const device = this.directory.get(parsed.deviceId);
    if (!device) return; // unknown or removed device: ignore (the broker already refused its login)
    if (parsed.kind !== 'ack' && !this.limiter.admit(parsed, topic, payload)) return; // over its rate
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
      if (this.wasSeen.get(device.id, body.id) !== undefined) return; // a resend we already handled
      const markSeen = () => this.recordSeen.run(device.id, body.id, this.o.hall.clock());
      if (!this.onDeviceEvent(device, parsed.name, body, markSeen)) this.unwritten.add(payload);
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

  /** Whether the embedded broker should hold back this message's PUBACK: what it asked for was not written. */
  couldNotWrite(payload: Buffer): boolean {
    return this.unwritten.has(payload);
  }

  /**
   * Handles a device's event once. `markSeen` records it as handled: in the same transaction as the command it
   * causes (a press, a rating), so that a kill between the two neither loses it nor lets its resend act twice; after
   * the rest (a state report, whose resend changes nothing).
   * False when a full disk kept what it asks for from being written (the device should send it again).
   */
  private onDeviceEvent(device: Device, name: string, body: Record<string, unknown>, markSeen: () => void): boolean {
    const actor: Actor = { kind: 'device', id: device.id, role: 'device', counterId: device.counterId };
    let seen = false;
    const inCommand = () => {
      markSeen();
      seen = true;
    };
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
        if (button === 'call') this.o.hall.execute(actor, (ctx, s) => counters.callNext(ctx, s, counterId), inCommand);
        else if (button === 'recall')
          this.o.hall.execute(actor, (ctx, s) => counters.recall(ctx, s, counterId), inCommand);
        else if (button === 'no-show')
          this.o.hall.execute(actor, (ctx, s) => counters.noShow(ctx, s, counterId), inCommand);
      } else if (name === 'rating' && device.kind === 'pad') {
        this.o.hall.execute(
          { ...actor, role: 'pad' },
          (ctx, s) => rate(ctx, s, String(body.ticketId), Number(body.score)),
          inCommand,
        );
      }
    } catch (err) {
      if (isStorageFull(err)) {
        // Nothing can be written: no PUBACK (embedded broker), so the device sends it again; an alarm still goes on.
        log.error('the disk is full: a device’s event was not written', { deviceId: device.id, event: name });
        this.o.hall.bus.emit('device.event', { device, name, body });
        return false;
      }
      if (err instanceof DomainError) {
        log.info('device action refused', { deviceId: device.id, event: name, code: err.code });
        this.markSeenUnlessFull(markSeen);
        return true;
      }
      throw err;
    }
    this.o.hall.bus.emit('device.event', { device, name, body });
    if (!seen) this.markSeenUnlessFull(markSeen);
    return true;
  }

  /** On a full disk an event cannot be recorded as handled: a resend is then handled again, which is the safe side. */
  private markSeenUnlessFull(markSeen: () => void): void {
    try {
      markSeen();
    } catch (err) {
      if (!isStorageFull(err)) throw err;
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
