/**
 * Failed attempts per key (an address, an address and username pair, …) within a sliding window: the MQTT login
 * gate's throttle, and the HTTP login's per-address one (which adds a growing block per pair: see
 * http/routes/login-throttle.ts).
 */

export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}

  count(key: string, now: number): number {
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    return recent.length;
  }

  blocked(key: string, now: number): boolean {
    return this.count(key, now) >= this.max;
  }

  /** Milliseconds until `key` is under its limit again (its oldest counted failure ages out); 0 when it is now. */
  retryAfterMs(key: string, now: number): number {
    if (this.count(key, now) < this.max) return 0;
    const recent = this.failures.get(key)!;
    return recent[recent.length - this.max] + this.windowMs - now;
  }

  add(key: string, now: number): void {
    const list = this.failures.get(key) ?? [];
    list.push(now);
    this.failures.set(key, list);
    // Forget only what has aged out, so a flood of usernames cannot reset the limits.
    if (this.failures.size > 10_000) for (const k of [...this.failures.keys()]) this.count(k, now);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}
