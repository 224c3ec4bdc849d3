/**
 * The proposals still open when the hall stopped, read back from the audit log (`playbook.proposed` without its
 * `playbook.proposal_closed`, within their time to live): a trigger that fired once — a fight's emergency button —
 * does not fire again after a restart, and its proposal must still wait for a manager.
 */
import type { Proposal } from '../core/proposal-book.js';
import { PROPOSAL_TTL_MS } from '../core/proposal-book.js';
import type { PlaybookCause } from '../domain/playbooks.js';
import type { Db } from '../store/db.js';

export function openProposalsInLog(db: Db, now: number, ttlMs = PROPOSAL_TTL_MS): Proposal[] {
  // Through the events_at index: the last time-to-live of the log only.
  const rows = db
    .prepare(
      `SELECT type, at, data FROM events WHERE at > ? AND type IN ('playbook.proposed', 'playbook.proposal_closed')
        ORDER BY seq`,
    )
    .all(now - ttlMs) as Array<{ type: string; at: number; data: string }>;
  const open = new Map<string, Proposal>();
  for (const r of rows) {
    const d = JSON.parse(r.data) as { proposalId: string; playbookId: string; cause: PlaybookCause };
    if (r.type === 'playbook.proposal_closed') open.delete(d.proposalId);
    else
      open.set(d.proposalId, {
        id: d.proposalId,
        playbookId: d.playbookId,
        cause: d.cause,
        proposedAt: r.at,
        expiresAt: r.at + ttlMs,
      });
  }
  return [...open.values()];
}
