/** Registered devices by role in the hall (whose printer, which counter's LED), cached and refreshed on change. */
import type { Accounts, Device } from '../store/accounts.js';

export class DeviceDirectory {
  private devices: Device[] = [];

  constructor(private readonly accounts: Accounts) {
    this.refresh();
  }

  refresh(): void {
    this.devices = this.accounts.listDevices();
  }

  all(): Device[] {
    return this.devices;
  }

  get(id: string): Device | undefined {
    return this.devices.find((d) => d.id === id);
  }

  ofKind(kind: Device['kind']): Device[] {
    return this.devices.filter((d) => d.kind === kind);
  }

  /** Devices of a kind that belong to a counter. */
  atCounter(kind: Device['kind'], counterId: string): Device[] {
    return this.devices.filter((d) => d.kind === kind && d.counterId === counterId);
  }

  /** Devices of a kind that serve the whole hall (no counter). */
  hallWide(kind: Device['kind']): Device[] {
    return this.devices.filter((d) => d.kind === kind && !d.counterId);
  }
}
