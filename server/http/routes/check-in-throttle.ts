/**
 * Makes guessing appointment codes at a kiosk not pay: failed code check-ins are limited per caller (10 in 10
 * minutes) and, from devices, across the whole code space (60 in 10 minutes for all kiosks together). With ten-digit
 * codes that is about one hit in 16 years for a hall with 200 open bookings (docs/operations.md).
 */

const WINDOW_MS = 10 * 60_000;
const MAX_PER_CALLER = 10;
const MAX_FROM_DEVICES = 60;
const MAX_CALLERS = 10_000;

export class CheckInThrottle {
  private readonly byCaller = new Map<string, number[]>();
  private fromDevices: number[] = [];

  /** Milliseconds until this caller may try a code again; 0 when it may now. Staff do not count against devices. */
  retryAfterMs(callerId: string, isDevice: boolean, now: number): number {
    const mine = this.recent(this.byCaller.get(callerId), now);
    const callerWait = mine.length >= MAX_PER_CALLER ? mine[mine.length - MAX_PER_CALLER] + WINDOW_MS - now : 0;
    this.fromDevices = this.recent(this.fromDevices, now);
    const all = this.fromDevices;
    const spaceWait =
      isDevice && all.length >= MAX_FROM_DEVICES ? all[all.length - MAX_FROM_DEVICES] + WINDOW_MS - now : 0;
    return Math.max(0, callerWait, spaceWait);
  }

  /** A code that matched no appointment. */
  failed(callerId: string, isDevice: boolean, now: number): void {
    const mine = this.recent(this.byCaller.get(callerId), now);
    mine.push(now);
    this.byCaller.set(callerId, mine);
    if (isDevice) this.fromDevices.push(now);
    if (this.byCaller.size > MAX_CALLERS)
      for (const [id, list] of this.byCaller) if (this.recent(list, now).length === 0) this.byCaller.delete(id);
  }

  private recent(list: number[] | undefined, now: number): number[] {
    return (list ?? []).filter((t) => now - t < WINDOW_MS);
  }
}
