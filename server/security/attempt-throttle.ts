/**
 * Failed attempts per key (an address, an address and username pair, …) within a sliding window: the MQTT login
 * gate's throttle, and the HTTP login's per-address one (which adds a growing block per pair: see
 * http/routes/login-throttle.ts).
 */

export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  /**
   * @param maxKeys keys remembered at most. Past it, what has aged out is forgotten first; only if more keys than
   * that failed within the window (a flood from hundreds of addresses) do those that failed first go too, down to
   * three quarters of the bound, so that each sweep is paid for by a quarter of the bound's adds.
   */
  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 10_000,
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
    if (this.failures.size > this.maxKeys) this.shrink(now);
  }

  /** Takes back one entry `add` made at `at` (a reservation that was not used). */
  undo(key: string, at: number): void {
    const list = this.failures.get(key);
    const i = list?.lastIndexOf(at) ?? -1;
    if (i >= 0) list!.splice(i, 1);
  }

  /** Number of keys remembered. */
  get size(): number {
    return this.failures.size;
  }

  private shrink(now: number): void {
    for (const k of [...this.failures.keys()]) this.count(k, now);
    const keep = Math.floor(this.maxKeys * 0.75);
    // A Map iterates in insertion order: a key's first failure in its window.
    for (const k of this.failures.keys()) {
      if (this.failures.size <= keep) break;
      this.failures.delete(k);
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}
