/**
 * Who may try an MQTT password, and how many at once. Failures are throttled per address and per address and
 * username, like the HTTP login (an attacker cannot lock a device out from another address), and password checks
 * (scrypt, ~50–150 ms of a core each) run two at a time with a bounded line, so a flood of MQTT logins never takes
 * the threads the staff's logins and the database need.
 */
import { FailureWindow } from '../security/attempt-throttle.js';
import { BoundedWork, WorkQueueFull } from '../security/bounded-work.js';

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
  /** Counters for tests and diagnostics. */
  readonly stats = { checked: 0, throttled: 0, busy: 0, running: 0, maxRunning: 0 };
  private readonly byAddress = new FailureWindow(MQTT_FAILURES_PER_ADDRESS);
  private readonly byLogin = new FailureWindow(MQTT_FAILURES_PER_LOGIN);
  private readonly work = new BoundedWork(MQTT_CONCURRENT_CHECKS, MQTT_WAITING_CHECKS);

  constructor(private readonly clock: () => number = Date.now) {}

  /** Runs `verify` (undefined = wrong password) unless the throttle or a full line refuses first. */
  async check<T>(address: string, username: string, verify: () => Promise<T | undefined>): Promise<LoginOutcome<T>> {
    const login = `${address} ${username}`;
    const blocked = () => {
      const now = this.clock();
      return this.byAddress.blocked(address, now) || this.byLogin.blocked(login, now);
    };
    const refused = (why: 'throttled' | 'busy'): LoginOutcome<T> => {
      this.stats[why]++;
      return { ok: false, why };
    };
    if (blocked()) return refused('throttled');
    try {
      return await this.work.run(async (): Promise<LoginOutcome<T>> => {
        // Again when its turn comes: the failures of those ahead in the line may have tripped the throttle.
        if (blocked()) return refused('throttled');
        this.stats.checked++;
        this.stats.maxRunning = Math.max(this.stats.maxRunning, ++this.stats.running);
        const value = await verify().finally(() => this.stats.running--);
        if (value !== undefined) {
          this.byLogin.clear(login);
          return { ok: true, value };
        }
        const now = this.clock();
        this.byAddress.add(address, now);
        this.byLogin.add(login, now);
        return { ok: false, why: 'bad' };
      });
    } catch (err) {
      if (err instanceof WorkQueueFull) return refused('busy');
      throw err;
    }
  }
}
