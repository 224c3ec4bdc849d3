/**
 * Addresses staff logged in from with their password, remembered for 30 days (at most 4096, the longest unused
 * forgotten first). A login from one goes ahead of strangers' in the password-check line, so a flood of wrong
 * passwords from the hall's Wi-Fi, which fills only the strangers' lane, cannot keep the counters' and the manager's
 * PCs from logging in. Kept in memory: after a restart every address is a stranger until its first login.
 */

export const KNOWN_LOGIN_ADDRESS_MS = 30 * 24 * 60 * 60_000;
const MAX_KNOWN = 4096;

export class KnownLoginAddresses {
  /** Address → when it last logged in; in that order, oldest first. */
  private readonly lastLogin = new Map<string, number>();

  remember(address: string, now: number): void {
    this.lastLogin.delete(address); // re-inserted last
    if (this.lastLogin.size >= MAX_KNOWN) this.lastLogin.delete(this.lastLogin.keys().next().value!);
    this.lastLogin.set(address, now);
  }

  has(address: string, now: number): boolean {
    const at = this.lastLogin.get(address);
    if (at === undefined) return false;
    if (now - at < KNOWN_LOGIN_ADDRESS_MS) return true;
    this.lastLogin.delete(address);
    return false;
  }
}
