/**
 * The hall on battery: when a UPS reports `evt/power {onBattery: true}` the server writes a checkpoint (everything is
 * already on disk: each acknowledged command was committed with synchronous=FULL; the checkpoint makes the next start
 * quick), and records it; when the UPS reports the battery low (`{batteryLow: true}` or `{minutesLeft}` under the
 * margin) it shuts down cleanly — the same path as SIGTERM — long before the battery is empty. The power-outage
 * playbook itself (banner, announcement) is started by its trigger like any other.
 *
 * Only the hall's power sources speak for its power: the devices a playbook trigger names for `power` events (the
 * reference hall's `ups`), or a device `ups` when no trigger names one. Any other device may publish `evt/power` on its
 * own subtree (a pad on a public counter, a kiosk), and one that could put the hall on battery, or shut it down with
 * `batteryLow`, would let whoever holds its credentials stop the hall.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { HallFile } from '../../config/hall-schema.js';
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
  /** The last power step the log holds (`on-battery-checkpoint`, `power-back`, `battery-low-shutdown`), if any. */
  lastPowerAction?: () => string | undefined;
}

/** Long enough for the `cmd/power-off` commands to leave over MQTT; short beside the shutdown margin. */
export const POWER_OFF_GRACE_MS = 2_000;

/** The device ids whose `evt/power` is the hall's power: named by a `power` trigger, else `ups`. */
export function powerSources(hallFile: HallFile): ReadonlySet<string> {
  const named = hallFile.playbooks.flatMap((p) =>
    p.triggers.flatMap((t) => ('device' in t && t.event === 'power' && t.device !== '*' ? [t.device] : [])),
  );
  return new Set(named.length > 0 ? named : ['ups']);
}

export class PowerGuard implements Feature {
  readonly name = 'power-guard';
  private unsubscribe?: () => void;
  private onBattery = false;
  private shuttingDown = false;
  private readonly sources: ReadonlySet<string>;
  /** Devices already logged for a power report they may not make (once each, not per message). */
  private readonly refused = new Set<string>();

  constructor(
    private readonly hall: HallService,
    private readonly opts: PowerGuardOptions,
  ) {
    this.sources = powerSources(hall.hallFile);
  }

  start(): void {
    // Restarted on battery (a crash, an update during an outage): the hall goes on saving power. The UPS's next report
    // (the device host sends what it could not deliver while the server was away) sets it right. After a battery-low
    // shutdown the machine starts again when the power is back: mains, until the UPS says otherwise.
    if (this.opts.lastPowerAction?.() === 'on-battery-checkpoint') {
      this.onBattery = true;
      this.hall.bus.emit('power.changed', { onBattery: true, at: this.hall.clock() });
      log.warn('the hall was on battery when it stopped: it goes on saving power until the UPS reports mains');
    }
    this.unsubscribe = this.hall.bus.on('device.event', ({ device, name, body }) => {
      if (name !== 'power') return;
      if (this.sources.has(device.id)) return this.onPower(device.id, body);
      if (this.refused.size < 1000 && !this.refused.has(device.id)) {
        this.refused.add(device.id);
        log.warn('power report from a device that is not a power source; ignored', {
          deviceId: device.id,
          powerSources: [...this.sources],
        });
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** On battery now, as the UPS last said (or as the log said at a start on battery). */
  get onBatteryNow(): boolean {
    return this.onBattery;
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
