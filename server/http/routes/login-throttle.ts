/**
 * Slows password guessing: after 5 failures for a username, or 20 from one address, within a minute, refuse for the
 * rest of that minute.
 */

const WINDOW_MS = 60_000;
const MAX_PER_USERNAME = 5;
const MAX_PER_ADDRESS = 20;

class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly max: number) {}

  count(key: string, now: number): number {
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
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

export class LoginThrottle {
  private readonly byUsername = new FailureWindow(MAX_PER_USERNAME);
  private readonly byAddress = new FailureWindow(MAX_PER_ADDRESS);

  blocked(username: string, address: string, now: number): boolean {
    return this.byUsername.blocked(username, now) || this.byAddress.blocked(address, now);
  }

  failed(username: string, address: string, now: number): void {
    this.byUsername.add(username, now);
    this.byAddress.add(address, now);
  }

  succeeded(username: string): void {
    this.byUsername.clear(username);
  }
}
