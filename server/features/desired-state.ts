/**
 * What the LED boards and the pads share: each device's retained `desired` state, published only when it changed (so
 * a rebooted device shows the right thing at once), and all again after each (re)connect and when a device is added.
 */
import type { HallTopics } from '../../devices/protocol/mqtt-topics.js';
import type { CommittedEvent } from '../core/event-bus.js';
import type { Feature } from '../core/feature.js';
import type { HallService } from '../core/hall-service.js';
import type { CommandOutbox } from '../mqtt/command-outbox.js';
import type { DeviceDirectory } from '../mqtt/device-directory.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';

export abstract class DesiredStateFeature implements Feature {
  abstract readonly name: string;
  private readonly last = new Map<string, string>();
  private readonly unsubscribe: Array<() => void> = [];
  private started = false;

  constructor(
    protected readonly hall: HallService,
    protected readonly directory: DeviceDirectory,
    protected readonly outbox: CommandOutbox,
    private readonly link: MqttLink,
    private readonly t: HallTopics,
  ) {}

  start(): void {
    this.started = true;
    this.link.onConnect(() => this.started && this.refreshAll());
    this.unsubscribe.push(
      this.hall.bus.on('committed', (events) => this.onCommitted(events)),
      this.hall.bus.on('devices.changed', ({ added }) => added && this.refreshAll()),
    );
  }

  stop(): void {
    this.started = false;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Publishes every device's desired state again (after a reconnect, when a device is added). */
  refreshAll(): void {
    this.last.clear();
    this.publishAll();
  }

  protected abstract publishAll(): void;
  protected abstract onCommitted(events: CommittedEvent[]): void;

  /** Publishes the device's desired state (retained) when it changed; true when it did. */
  protected setDesired(deviceId: string, desired: object): boolean {
    const json = JSON.stringify(desired);
    if (this.last.get(deviceId) === json) return false;
    this.last.set(deviceId, json);
    this.link.publish(this.t.deviceDesired(deviceId), json, { qos: 1, retain: true });
    return true;
  }
}
