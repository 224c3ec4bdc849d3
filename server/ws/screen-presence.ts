/**
 * Which registered screens (kiosks, hall boards, pads: devices that follow the hall over the live stream, not MQTT)
 * are here now. Their MQTT status never says online, so without this the dashboard called every working screen
 * offline, and the manager learned to ignore the alert (QA-L).
 */
export interface Presence {
  /** Live streams open with the device's token now. */
  open: number;
  /** When its last stream closed (epoch ms), if one has. */
  lastSeen?: number;
}

export class ScreenPresence {
  private readonly devices = new Map<string, Presence>();

  opened(deviceId: string): void {
    const p = this.devices.get(deviceId) ?? { open: 0 };
    p.open++;
    this.devices.set(deviceId, p);
  }

  closed(deviceId: string, now: number): void {
    const p = this.devices.get(deviceId);
    if (!p) return;
    p.open = Math.max(0, p.open - 1);
    p.lastSeen = now;
  }

  of(deviceId: string): Presence | undefined {
    return this.devices.get(deviceId);
  }
}
