/**
 * The hall on battery: when a UPS reports `evt/power {onBattery: true}` the server writes a checkpoint (everything is
 * already on disk: each acknowledged command was committed with synchronous=FULL; the checkpoint makes the next start
 * quick), and records it; when the UPS reports the battery low (`{batteryLow: true}` or `{minutesLeft}` under the
 * margin) it shuts down cleanly — the same path as SIGTERM — long before the battery is empty. The power-outage
 * playbook itself (banner, announcement) is started by its trigger like any other.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { log } from '../../log.js';

/** Shut down once the UPS says fewer minutes than this are left. */
export const SHUTDOWN_MARGIN_MINUTES = 5;

export interface PowerGuardOptions {
  /** A clean shutdown of the whole process (main.ts: as on SIGTERM). */
  shutdown: () => void;
  /** Tells every device (and so the device host) to power off (`cmd/power-off`); returns the ids told. */
  powerOffDevices?: (minutesLeft: number | null) => string[];
  /** How long the devices get to hear it before the server itself stops. */
  powerOffGraceMs?: number;
}

/** Long enough for the `cmd/power-off` commands to leave over MQTT; short beside the shutdown margin. */
export const POWER_OFF_GRACE_MS = 2_000;

export class PowerGuard implements Feature {
  readonly name = 'power-guard';
  private unsubscribe?: () => void;
  private onBattery = false;
  private shuttingDown = false;

  constructor(
    private readonly hall: HallService,
    private readonly opts: PowerGuardOptions,
  ) {}

  start(): void {
    this.unsubscribe = this.hall.bus.on('device.event', ({ device, name, body }) => {
      if (name === 'power') this.onPower(device.id, body);
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private onPower(deviceId: string, body: Record<string, unknown>): void {
    const onBattery = body.onBattery === true;
    const low =
      body.batteryLow === true || (typeof body.minutesLeft === 'number' && body.minutesLeft < SHUTDOWN_MARGIN_MINUTES);
    if (onBattery && !this.onBattery) this.wentOnBattery(deviceId);
    if (!onBattery && this.onBattery) this.record(deviceId, 'power-back');
    if (onBattery !== this.onBattery) this.hall.bus.emit('power.changed', { onBattery, at: this.hall.clock() });
    this.onBattery = onBattery;
    if (onBattery && low && !this.shuttingDown) {
      this.shuttingDown = true;
      const minutesLeft = typeof body.minutesLeft === 'number' ? body.minutesLeft : null;
      // The device host too: it stops its devices cleanly before the battery is empty (docs/devices.md).
      const told = this.opts.powerOffDevices?.(minutesLeft) ?? [];
      this.record(deviceId, 'battery-low-shutdown', { minutesLeft, devicesToldPowerOff: told.length });
      log.warn('UPS battery low: shutting down cleanly', { deviceId, devicesToldPowerOff: told.length });
      if (told.length === 0) this.opts.shutdown();
      else setTimeout(() => this.opts.shutdown(), this.opts.powerOffGraceMs ?? POWER_OFF_GRACE_MS).unref();
    }
  }

  private wentOnBattery(deviceId: string): void {
    let checkpoint = false;
    try {
      checkpoint = this.hall.snapshot();
    } catch (err) {
      log.warn('checkpoint on battery failed', { error: (err as Error).message });
    }
    this.record(deviceId, 'on-battery-checkpoint', { checkpoint });
    log.warn('hall on battery: checkpoint written', { deviceId, checkpoint });
  }

  private record(deviceId: string, action: string, detail: Record<string, unknown> = {}): void {
    this.hall.audit(SYSTEM_ACTOR, {
      type: 'playbook.action',
      data: { playbookId: 'power-outage', action, detail: { deviceId, ...detail } },
    });
  }
}
