/** Slows password guessing: after 5 failures for a username within a minute, refuse for the rest of that minute. */

const WINDOW_MS = 60_000;
const MAX_FAILURES = 5;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  blocked(username: string, now: number): boolean {
    const recent = (this.failures.get(username) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length === 0) this.failures.delete(username);
    else this.failures.set(username, recent);
    return recent.length >= MAX_FAILURES;
  }

  failed(username: string, now: number): void {
    const list = this.failures.get(username) ?? [];
    list.push(now);
    this.failures.set(username, list);
    if (this.failures.size > 10_000) this.failures.clear();
  }

  succeeded(username: string): void {
    this.failures.delete(username);
  }
}
