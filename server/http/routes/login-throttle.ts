/**
 * Slows password guessing without letting anyone lock an account: failures are counted per address and username
 * pair (5 in a row block that pair for a minute, doubling with each further failure up to 15 minutes), and 20
 * failures a minute from one address block that address (a login refused as too busy counts as one). A username is
 * never blocked for other addresses.
 */
import { FailureWindow } from '../../security/attempt-throttle.js';

const WINDOW_MS = 60_000;
const FREE_FAILURES_PER_PAIR = 5;
const FIRST_BLOCK_MS = 60_000;
const LONGEST_BLOCK_MS = 15 * 60_000;
const MAX_PER_ADDRESS = 20;
/** A pair quiet this long starts again from nothing. */
const FORGET_PAIR_MS = 24 * 60 * 60_000;
/** Bound on remembered pairs: a flood of usernames cannot grow memory without end (FailureWindow bounds its own). */
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
  private readonly byAddress = new FailureWindow(MAX_PER_ADDRESS, WINDOW_MS);

  /** Milliseconds until this address may try this username again; 0 when it may now. */
  retryAfterMs(username: string, address: string, now: number): number {
    const pair = this.pairs.get(pairKey(username, address));
    const pairWait = pair ? pair.lastAt + pairBlockMs(pair.count) - now : 0;
    return Math.max(0, pairWait, this.byAddress.retryAfterMs(address, now));
  }

  blocked(username: string, address: string, now: number): boolean {
    return this.retryAfterMs(username, address, now) > 0;
  }

  failed(username: string, address: string, now: number): void {
    const key = pairKey(username, address);
    const pair = this.pairs.get(key);
    this.pairs.set(key, { count: pair && now - pair.lastAt < FORGET_PAIR_MS ? pair.count + 1 : 1, lastAt: now });
    this.byAddress.add(address, now);
    if (this.pairs.size > MAX_KEYS) this.forgetIdle(now);
  }

  /**
   * A login refused unchecked (the password checks' line full) counts against its address like a failure: uncounted,
   * a few addresses retrying at full speed kept the line full for as long as they liked, and new browsers out.
   */
  refusedBusy(address: string, now: number): void {
    this.byAddress.add(address, now);
  }

  succeeded(username: string, address: string): void {
    this.pairs.delete(pairKey(username, address));
  }

  /** Drops what no longer blocks anyone; pairs still blocked are kept, so a flood cannot lift a block. */
  private forgetIdle(now: number): void {
    for (const [key, p] of this.pairs) if (now >= p.lastAt + pairBlockMs(p.count)) this.pairs.delete(key);
  }
}

function pairKey(username: string, address: string): string {
  return `${address}\u0000${username}`;
}
