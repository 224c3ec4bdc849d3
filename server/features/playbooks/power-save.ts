/**
 * The hall's own work on UPS battery: while `power.changed` says the hall is on battery, the screens' stream updates
 * are coalesced (hall boards, counter displays, kiosks and phone pages refresh at most every few seconds; staff
 * consoles and playbook events stay immediate) and the non-essential devices — screens (`display`) and rating pads
 * (`pad`) — are told `cmd/power-save {on: true}`; mains power reverses both. LED boards, speakers, printers and kiosks
 * keep working as they are: they carry the calls.
 */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import type { CommandOutbox } from '../../mqtt/command-outbox.js';
import type { DeviceDirectory } from '../../mqtt/device-directory.js';

/** On battery, coalesced screens get their updates at most this often. */
export const BATTERY_COALESCE_MS = 3_000;
/** Device kinds told to save power. */
export const POWER_SAVE_KINDS = ['display', 'pad'] as const;
/** A power-save command not delivered in this long is dropped: the next change sends a fresh one. */
const COMMAND_TTL_MS = 30 * 60_000;

export interface PowerSaveOptions {
  /** Coalesce the screens' stream updates every `ms`, or stop (undefined): the live stream's setCoalescing. */
  coalesceScreens(ms: number | undefined): void;
  coalesceMs?: number;
}

export class PowerSave implements Feature {
  readonly name = 'power-save';
  private readonly unsubscribe: Array<() => void> = [];
  private onBattery = false;

  constructor(
    private readonly hall: HallService,
    private readonly directory: DeviceDirectory,
    private readonly outbox: CommandOutbox,
    private readonly opts: PowerSaveOptions,
  ) {}

  start(): void {
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('power.changed', ({ onBattery }) => this.changed(onBattery)),
      // A screen added while on battery saves power too.
      bus.on('devices.changed', ({ added }) => {
        if (this.onBattery && added && this.saves(added.kind)) this.tell(added.id, true);
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.onBattery) this.opts.coalesceScreens(undefined);
  }

  private changed(onBattery: boolean): void {
    if (onBattery === this.onBattery) return;
    this.onBattery = onBattery;
    const coalesceMs = onBattery ? (this.opts.coalesceMs ?? BATTERY_COALESCE_MS) : undefined;
    this.opts.coalesceScreens(coalesceMs);
    const devices = this.directory
      .all()
      .filter((d) => this.saves(d.kind))
      .map((d) => d.id);
    for (const id of devices) this.tell(id, onBattery);
    this.hall.audit(SYSTEM_ACTOR, {
      type: 'playbook.action',
      data: {
        playbookId: 'power-outage',
        action: onBattery ? 'power-save-on' : 'power-save-off',
        detail: { devices, coalesceMs: coalesceMs ?? null },
      },
    });
  }

  private saves(kind: string): boolean {
    return (POWER_SAVE_KINDS as readonly string[]).includes(kind);
  }

  private tell(deviceId: string, on: boolean): void {
    this.outbox.send(deviceId, 'power-save', { on }, COMMAND_TTL_MS, { supersede: true });
  }
}
