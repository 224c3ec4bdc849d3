/**
 * Makes guessing appointment codes and case numbers not pay: failures are limited per caller (an address, or a
 * device: 10 in 10 minutes unless said otherwise) and, from devices, across the whole number space (60 in 10 minutes
 * for all kiosks together). With ten-digit codes that is about one hit in 16 years for a hall with 200 open bookings
 * (docs/operations.md). The callers remembered are bounded (`FailureWindow`): a flood from thousands of addresses
 * forgets the oldest instead of walking a growing table on every miss.
 */
import { FailureWindow } from '../../security/attempt-throttle.js';

const WINDOW_MS = 10 * 60_000;
const MAX_PER_CALLER = 10;
const MAX_FROM_DEVICES = 60;
const MAX_CALLERS = 10_000;

export class CheckInThrottle {
  private readonly byCaller: FailureWindow;
  private readonly byDevice: FailureWindow;
  private readonly fromDevices = new FailureWindow(MAX_FROM_DEVICES, WINDOW_MS, 1);
  private readonly fromEveryone?: FailureWindow;

  /**
   * @param perDevice failures one device (a kiosk, shared by everyone at it) may have in the window
   * @param allCallers failures all callers that are not devices may have together (none: no such limit). The table of
   * callers is bounded, so someone with more addresses than it holds could otherwise clear their own entries.
   */
  constructor(perDevice = MAX_PER_CALLER, allCallers?: number) {
    this.byCaller = new FailureWindow(MAX_PER_CALLER, WINDOW_MS, MAX_CALLERS);
    this.byDevice = new FailureWindow(perDevice, WINDOW_MS, MAX_CALLERS);
    if (allCallers !== undefined) this.fromEveryone = new FailureWindow(allCallers, WINDOW_MS, 1);
  }

  /** Milliseconds until this caller may try again; 0 when it may now. Staff do not count against devices. */
  retryAfterMs(callerId: string, isDevice: boolean, now: number): number {
    if (!isDevice)
      return Math.max(this.byCaller.retryAfterMs(callerId, now), this.fromEveryone?.retryAfterMs('all', now) ?? 0);
    return Math.max(this.byDevice.retryAfterMs(callerId, now), this.fromDevices.retryAfterMs('all', now));
  }

  /** Addresses and staff remembered (at most 10,000). */
  get callersRemembered(): number {
    return this.byCaller.size;
  }

  /** A code or number that matched nothing. */
  failed(callerId: string, isDevice: boolean, now: number): void {
    if (!isDevice) {
      this.byCaller.add(callerId, now);
      this.fromEveryone?.add('all', now);
      return;
    }
    this.byDevice.add(callerId, now);
    this.fromDevices.add('all', now);
  }
}
