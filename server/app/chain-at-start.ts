/**
 * At start: verify the audit chain from its last verified mark, and say loudly — error log, audit entry, /healthz,
 * manager alert — when it does not verify or a checkpoint was passed over. The hall still opens (docs/operations.md,
 * Audit: why warn and not refuse).
 */
import type { HallService } from '../core/hall-service.js';
import { SYSTEM_ACTOR } from '../domain/decide/context.js';
import { log } from '../log.js';
import type { Db } from '../store/db.js';
import { lostTail, numbersAfterLoss, readHeadMark } from '../store/head-mark.js';

/** Runs before the state is rebuilt. */
export function checkChainAtStart(hall: HallService): void {
  const started = performance.now();
  const result = hall.checkChain();
  const ms = Math.round(performance.now() - started);
  if (result.ok)
    log.info('audit chain verified', { from: hall.log.anchor?.verifiedSeq ?? 0, head: result.head?.seq, ms });
  else
    log.error(
      'AUDIT CHAIN DOES NOT VERIFY: the log was altered or truncated; the hall opens, see /api/v1/audit/verify',
      { ...result.firstBroken, ms },
    );
}

/**
 * Runs once the state is rebuilt, before anything is appended: a log that ends before the head mark kept beside the
 * database lost its last commits with the anchor in them (a torn or deleted -wal). Said loudly, reported as the
 * chain's finding, and the day's numbers the mark knew of are reserved, so none is handed out twice.
 */
export function checkHeadMark(hall: HallService, db: Db, dataDir: string, key: Buffer): void {
  const mark = readHeadMark(dataDir, key);
  if (mark === 'unsealed') return log.warn('the log head mark beside the database does not verify; not used');
  const lost = mark && lostTail(db, hall.log.seq, mark);
  if (!mark || !lost) return;
  const reserved = hall.reserveLostNumbers(numbersAfterLoss(mark));
  log.error('THE LOG LOST ITS LAST ENTRIES: it ends before the head mark kept beside it; the hall opens', {
    ...lost,
    head: hall.log.seq,
    reserved,
  });
  hall.noteLostTail(lost);
}

/** Runs once the state is rebuilt: records what was found in the chain itself, then anchors its head. */
export function recordChainFindings(hall: HallService): void {
  const broken = hall.chainAtStart?.firstBroken;
  if (broken) hall.audit(SYSTEM_ACTOR, { type: 'audit.chain_broken', data: broken });
  for (const c of hall.rejectedCheckpoints) {
    // A checkpoint older than the keyed chain was never recorded in it: expected once, after an upgrade.
    if (c.seq < hall.log.keyedFrom)
      log.warn('checkpoint from before the keyed chain not trusted; replayed the log instead', c);
    else log.error('CHECKPOINT NOT TRUSTED: passed over, state replayed from the log', c);
    hall.audit(SYSTEM_ACTOR, { type: 'audit.checkpoint_rejected', data: c });
  }
  hall.recordAnchor();
}
