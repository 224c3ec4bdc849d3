/**
 * `Idempotency-Key` on POST /tickets (+): a kiosk that got no answer (a server busy for seconds, Wi-Fi gone for a
 * moment) asks again with the same key and gets the ticket its first request issued, not a second number that would
 * later be called to nobody (QA-L: the kiosk said "network error", and the ticket had been issued). A key is kept
 * 10 minutes, per caller, in memory (10,000 at most, the oldest forgotten first); a refused request is not kept, so
 * asking again decides anew.
 */
import { ApiError } from '../errors.js';

const KEEP_MS = 10 * 60_000;
const MAX_KEYS = 10_000;
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

interface Entry {
  body: string;
  at: number;
  ticketId: Promise<string>;
}

export class IssueRepeats {
  private readonly entries = new Map<string, Entry>();

  /**
   * Issues once per (caller, key): a repeat gets the first request's ticket id (waiting for it if it is still being
   * issued), `repeated: true`. The same key with another body is refused: it would hide a different request.
   */
  async run(
    caller: string,
    key: string,
    body: string,
    now: number,
    issue: () => Promise<string>,
  ): Promise<{ ticketId: string; repeated: boolean }> {
    this.forgetOlderThan(now - KEEP_MS);
    const k = `${caller}\n${key}`;
    const known = this.entries.get(k);
    if (known) {
      if (known.body !== body)
        throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for another request');
      return { ticketId: await known.ticketId, repeated: true };
    }
    const ticketId = issue();
    this.entries.set(k, { body, at: now, ticketId });
    if (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value!);
    ticketId.catch(() => this.entries.delete(k));
    return { ticketId: await ticketId, repeated: false };
  }

  /** Keys kept now. */
  get size(): number {
    return this.entries.size;
  }

  /** A Map iterates in insertion order, which is time order here. */
  private forgetOlderThan(cutoff: number): void {
    for (const [k, e] of this.entries) {
      if (e.at >= cutoff) break;
      this.entries.delete(k);
    }
  }
}
