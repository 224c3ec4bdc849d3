/**
 * Who may try an MQTT password, and how many at once. Failures are throttled per address and per address and
 * username, like the HTTP login (an attacker cannot lock a device out from another address). A check done at once
 * (a device password made since 2026-12: SHA-256) takes no place in line; scrypt checks (older device rows, ~50–150
 * ms of a core each) run two at a time with a bounded line, so a flood of MQTT logins never takes the threads the
 * staff's logins and the database need.
 */
import { FailureWindow } from '../security/attempt-throttle.js';
import { BoundedWork, WorkQueueFull } from '../security/bounded-work.js';
import type { CredentialCheck } from '../security/passwords.js';

/** Failed MQTT logins per minute from one address (any usernames), then refused unchecked for the rest of it. */
export const MQTT_FAILURES_PER_ADDRESS = 20;
/** Failed MQTT logins per minute for one username from one address. */
export const MQTT_FAILURES_PER_LOGIN = 5;
/** Password checks at once: half of libuv's four threads. */
export const MQTT_CONCURRENT_CHECKS = 2;
/** Logins waiting for a check; more are refused at once (a hall restarting with 200 devices still fits). */
export const MQTT_WAITING_CHECKS = 256;

export type LoginOutcome<T> = { ok: true; value: T } | { ok: false; why: 'bad' | 'throttled' | 'busy' };

export class MqttLoginGate {
  /** Counters for tests and diagnostics: `quick` checks were done at once, `checked` ones in line (scrypt). */
  readonly stats = { quick: 0, checked: 0, throttled: 0, busy: 0, running: 0, maxRunning: 0 };
  private readonly byAddress = new FailureWindow(MQTT_FAILURES_PER_ADDRESS);
  private readonly byLogin = new FailureWindow(MQTT_FAILURES_PER_LOGIN);
  private readonly work = new BoundedWork(MQTT_CONCURRENT_CHECKS, MQTT_WAITING_CHECKS);

  constructor(private readonly clock: () => number = Date.now) {}

  /** Runs `verify` (undefined = wrong password) unless the throttle, or for a check `later` a full line, refuses. */
  async check<T>(address: string, username: string, verify: () => CredentialCheck<T>): Promise<LoginOutcome<T>> {
    const login = `${address} ${username}`;
    const blocked = () => {
      const now = this.clock();
      return this.byAddress.blocked(address, now) || this.byLogin.blocked(login, now);
    };
    const refused = (why: 'throttled' | 'busy'): LoginOutcome<T> => {
      this.stats[why]++;
      return { ok: false, why };
    };
    const verdict = (value: T | undefined): LoginOutcome<T> => {
      if (value !== undefined) {
        this.byLogin.clear(login);
        return { ok: true, value };
      }
      const now = this.clock();
      this.byAddress.add(address, now);
      this.byLogin.add(login, now);
      return { ok: false, why: 'bad' };
    };
    if (blocked()) return refused('throttled');
    const check = verify();
    if ('now' in check) {
      this.stats.quick++;
      return verdict(check.now);
    }
    try {
      return await this.work.run(async (): Promise<LoginOutcome<T>> => {
        // Again when its turn comes: the failures of those ahead in the line may have tripped the throttle.
        if (blocked()) return refused('throttled');
        this.stats.checked++;
        this.stats.maxRunning = Math.max(this.stats.maxRunning, ++this.stats.running);
        return verdict(await check.later().finally(() => this.stats.running--));
      });
    } catch (err) {
      if (err instanceof WorkQueueFull) return refused('busy');
      throw err;
    }
  }
}
