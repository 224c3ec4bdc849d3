/**
 * Slows password guessing: after 5 failures for a username, or 20 from one address, within a minute, refuse for the
 * rest of that minute.
 */
import { FailureWindow } from '../../security/attempt-throttle.js';

const MAX_PER_USERNAME = 5;
const MAX_PER_ADDRESS = 20;

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
