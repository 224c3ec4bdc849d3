/**
 * Slows password guessing without letting anyone lock an account: failures are counted per address and username
 * pair (5 in a row block that pair for a minute, doubling with each further failure up to 15 minutes), and 20
 * failures a minute from one address block that address. A username is never blocked for other addresses.
 */

const WINDOW_MS = 60_000;
const FREE_FAILURES_PER_PAIR = 5;
const FIRST_BLOCK_MS = 60_000;
const LONGEST_BLOCK_MS = 15 * 60_000;
const MAX_PER_ADDRESS = 20;
/** A pair quiet this long starts again from nothing. */
const FORGET_PAIR_MS = 24 * 60 * 60_000;
/** Bound on remembered pairs and addresses: a flood of usernames cannot grow memory without end. */
const MAX_KEYS = 10_000;

interface PairFailures {
  count: number;
  lastAt: number;
}

/** How long a pair with `count` consecutive failures stays blocked after its last one. */
export function pairBlockMs(count: number): number {
  if (count < FREE_FAILURES_PER_PAIR) return 0;
  return Math.min(FIRST_BLOCK_MS * 2 ** (count - FREE_FAILURES_PER_PAIR), LONGEST_BLOCK_MS);
}

export class LoginThrottle {
  private readonly pairs = new Map<string, PairFailures>();
  private readonly byAddress = new Map<string, number[]>();

  /** Milliseconds until this address may try this username again; 0 when it may now. */
  retryAfterMs(username: string, address: string, now: number): number {
    const pair = this.pairs.get(pairKey(username, address));
    const pairWait = pair ? pair.lastAt + pairBlockMs(pair.count) - now : 0;
    const recent = this.recentFromAddress(address, now);
    const addressWait =
      recent.length >= MAX_PER_ADDRESS ? recent[recent.length - MAX_PER_ADDRESS] + WINDOW_MS - now : 0;
    return Math.max(0, pairWait, addressWait);
  }

  blocked(username: string, address: string, now: number): boolean {
    return this.retryAfterMs(username, address, now) > 0;
  }

  failed(username: string, address: string, now: number): void {
    const key = pairKey(username, address);
    const pair = this.pairs.get(key);
    this.pairs.set(key, { count: pair && now - pair.lastAt < FORGET_PAIR_MS ? pair.count + 1 : 1, lastAt: now });
    const recent = this.recentFromAddress(address, now);
    recent.push(now);
    this.byAddress.set(address, recent);
    if (this.pairs.size > MAX_KEYS || this.byAddress.size > MAX_KEYS) this.forgetIdle(now);
  }

  succeeded(username: string, address: string): void {
    this.pairs.delete(pairKey(username, address));
  }

  private recentFromAddress(address: string, now: number): number[] {
    const recent = (this.byAddress.get(address) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length === 0) this.byAddress.delete(address);
    return recent;
  }

  /** Drops what no longer blocks anyone; pairs still blocked are kept, so a flood cannot lift a block. */
  private forgetIdle(now: number): void {
    for (const [key, p] of this.pairs) if (now >= p.lastAt + pairBlockMs(p.count)) this.pairs.delete(key);
    for (const address of [...this.byAddress.keys()]) this.recentFromAddress(address, now);
  }
}

function pairKey(username: string, address: string): string {
  return `${address}\u0000${username}`;
}
