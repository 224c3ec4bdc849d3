/**
 * Failed attempts per key (an address, an address and username pair, …) within a sliding window: the MQTT login
 * gate's throttle. (The HTTP login adds a growing block per pair: see http/routes/login-throttle.ts.)
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
