/**
 * Per-device rate limit on what a device reports to the server (its availability and its events; acks only answer
 * the server's own commands): a token bucket of 20, refilled one every 2 s. Over the rate, a press or a rating is
 * dropped (a flood must not call 20,000 tickets); a state report (availability, printer status, power, alarm,
 * people count) is kept, newest only, and handled when the device's rate allows, so its last word always counts.
 */
import type { ParsedDeviceTopic } from '../../../devices/protocol/mqtt-topics.js';
import { log } from '../../log.js';

export const DEVICE_REPORT_BURST = 20;
export const DEVICE_REPORT_REFILL_MS = 2000;

/** Reports where only the newest value matters. */
const STATE_REPORTS = new Set(['status', 'evt/status', 'evt/power', 'evt/alarm', 'evt/count']);

interface Bucket {
  tokens: number;
  at: number;
  /** Topic → newest payload waiting for a token, oldest topic first. */
  pending: Map<string, Buffer>;
  timer?: NodeJS.Timeout;
  dropped: number;
}

export class DeviceIntakeLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private replaying = false;

  /** `replay` hands a kept report back to the normal intake when its turn comes (admit() then lets it through). */
  constructor(
    private readonly replay: (topic: string, payload: Buffer) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True: handle this report now. False: dropped, or kept for `replay`. */
  admit(parsed: ParsedDeviceTopic, topic: string, payload: Buffer): boolean {
    if (this.replaying) return true;
    const b = this.bucket(parsed.deviceId);
    if (b.pending.size === 0 && this.take(b)) return true;
    const report = parsed.kind === 'evt' ? `evt/${parsed.name}` : parsed.kind;
    if (STATE_REPORTS.has(report)) {
      b.pending.set(topic, payload);
      this.schedule(b);
    } else if (b.dropped++ % 1000 === 0) {
      log.warn('device over its report rate: dropped', { deviceId: parsed.deviceId, report, dropped: b.dropped });
    }
    return false;
  }

  /**
   * Hands every kept report to the intake now, rate or not: the broker acknowledged each to its device, which will not
   * send it again, so a clean stop (SIGTERM, a UPS's battery-low) must not take a fire alarm down with it. Only a kill
   * within a flooding device's wait (≤ 2 s a report) can still lose one (docs/devices.md, Limits).
   */
  flush(): void {
    for (const b of this.buckets.values()) {
      clearTimeout(b.timer);
      b.timer = undefined;
      const held = [...b.pending];
      b.pending.clear();
      this.replaying = true;
      try {
        for (const [topic, payload] of held) this.replay(topic, payload);
      } finally {
        this.replaying = false;
      }
    }
  }

  stop(): void {
    for (const b of this.buckets.values()) clearTimeout(b.timer);
    this.buckets.clear();
  }

  private bucket(deviceId: string): Bucket {
    let b = this.buckets.get(deviceId);
    if (!b)
      this.buckets.set(
        deviceId,
        (b = { tokens: DEVICE_REPORT_BURST, at: this.clock(), pending: new Map(), dropped: 0 }),
      );
    return b;
  }

  private take(b: Bucket): boolean {
    const now = this.clock();
    b.tokens = Math.min(DEVICE_REPORT_BURST, b.tokens + (now - b.at) / DEVICE_REPORT_REFILL_MS);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  private schedule(b: Bucket): void {
    if (b.timer) return;
    const wait = Math.max(0, Math.ceil((1 - b.tokens) * DEVICE_REPORT_REFILL_MS));
    b.timer = setTimeout(() => {
      b.timer = undefined;
      const next = b.pending.entries().next();
      if (next.done) return;
      if (!this.take(b)) return this.schedule(b);
      const [topic, payload] = next.value;
      b.pending.delete(topic);
      this.replaying = true;
      try {
        this.replay(topic, payload);
      } finally {
        this.replaying = false;
      }
      if (b.pending.size > 0) this.schedule(b);
    }, wait);
    b.timer.unref();
  }
}
