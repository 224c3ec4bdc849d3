/**
 * Proposals: an automatic trigger set to `propose` asks a manager before its playbook starts. A proposal waits on the
 * dashboard (and the counter consoles of managers) until confirmed, dismissed or expired. Held in memory and bounded;
 * the open ones are read back from the audit log at a start (app/proposals-at-start.ts).
 */
import { randomId } from '../security/random-ids.js';
import type { PlaybookCause } from '../domain/playbooks.js';

export interface Proposal {
  id: string;
  playbookId: string;
  cause: PlaybookCause;
  proposedAt: number;
  expiresAt: number;
}

/** At most one open proposal per playbook; this many at once at most (a hall file has a handful of playbooks). */
const MAX_OPEN = 64;
export const PROPOSAL_TTL_MS = 10 * 60_000;

export class ProposalBook {
  private readonly open = new Map<string, Proposal>();
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs = PROPOSAL_TTL_MS,
  ) {}

  /** Puts back the proposals open when the hall stopped (read from the audit log at start). */
  restore(proposals: Proposal[]): void {
    for (const p of proposals.slice(0, MAX_OPEN)) this.open.set(p.id, p);
    if (proposals.length > 0) this.changed();
  }

  /** A new proposal, or undefined when one for that playbook is already open (or the book is full). */
  propose(playbookId: string, cause: PlaybookCause): Proposal | undefined {
    this.expire();
    if ([...this.open.values()].some((p) => p.playbookId === playbookId)) return undefined;
    if (this.open.size >= MAX_OPEN) return undefined;
    const now = this.clock();
    const p: Proposal = { id: randomId('pp'), playbookId, cause, proposedAt: now, expiresAt: now + this.ttlMs };
    this.open.set(p.id, p);
    this.changed();
    return p;
  }

  /** Takes an open proposal out (to confirm or dismiss it); undefined when unknown or expired. */
  take(id: string): Proposal | undefined {
    this.expire();
    const p = this.open.get(id);
    if (p) {
      this.open.delete(id);
      this.changed();
    }
    return p;
  }

  /** Withdraws the open proposal for a playbook (its trigger cleared, or the playbook started anyway). */
  withdraw(playbookId: string): Proposal | undefined {
    for (const p of this.open.values())
      if (p.playbookId === playbookId) {
        this.open.delete(p.id);
        this.changed();
        return p;
      }
    return undefined;
  }

  list(): Proposal[] {
    this.expire();
    return [...this.open.values()].sort((a, b) => a.proposedAt - b.proposedAt);
  }

  /** Drops the expired ones; returns them (for the audit log). */
  expire(): Proposal[] {
    const now = this.clock();
    const gone = [...this.open.values()].filter((p) => p.expiresAt <= now);
    for (const p of gone) this.open.delete(p.id);
    if (gone.length > 0) this.changed();
    return gone;
  }

  onChange(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => this.listeners.splice(this.listeners.indexOf(fn), 1);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
