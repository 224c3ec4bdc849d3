/**
 * Checkpoints of the live state: a start loads the newest one the chain vouches for and replays only the log after
 * it. Each checkpoint's SHA-256 is written to the chain (a `checkpoint.saved` entry right after it), so an edited one
 * is known and passed over.
 */
import { createHash } from 'node:crypto';
import { buildIdentityIndex, buildIndex } from '../domain/queue-index.js';
import type { HallState } from '../domain/types.js';
import type { Db } from './db.js';

interface SerializedState extends Omit<
  HallState,
  | 'tickets'
  | 'counters'
  | 'appointments'
  | 'followUps'
  | 'cases'
  | 'prereviews'
  | 'homeVisits'
  | 'queues'
  | 'byIdentity'
> {
  tickets: HallState['tickets'] extends Map<string, infer T> ? T[] : never;
  counters: HallState['counters'] extends Map<string, infer T> ? T[] : never;
  appointments: HallState['appointments'] extends Map<string, infer T> ? T[] : never;
  followUps: HallState['followUps'] extends Map<string, infer T> ? T[] : never;
  /** Missing in checkpoints written before cases existed. */
  cases?: HallState['cases'] extends Map<string, infer T> ? T[] : never;
  prereviews?: HallState['prereviews'] extends Map<string, infer T> ? T[] : never;
  homeVisits?: HallState['homeVisits'] extends Map<string, infer T> ? T[] : never;
}

export function serializeState(s: HallState): string {
  const { queues: _queues, byIdentity: _byIdentity, ...rest } = s;
  const plain: SerializedState = {
    ...rest,
    tickets: [...s.tickets.values()],
    counters: [...s.counters.values()],
    appointments: [...s.appointments.values()],
    followUps: [...s.followUps.values()],
    cases: [...s.cases.values()],
    prereviews: [...s.prereviews.values()],
    homeVisits: [...s.homeVisits.values()],
  };
  return JSON.stringify(plain);
}

export function deserializeState(json: string): HallState {
  const p = JSON.parse(json) as SerializedState;
  return {
    ...p,
    queues: buildIndex(p.tickets),
    byIdentity: buildIdentityIndex(p.tickets),
    tickets: new Map(p.tickets.map((t) => [t.id, t])),
    counters: new Map(p.counters.map((c) => [c.id, c])),
    appointments: new Map(p.appointments.map((a) => [a.id, a])),
    followUps: new Map(p.followUps.map((f) => [f.id, f])),
    cases: new Map((p.cases ?? []).map((k) => [k.id, k])),
    prereviews: new Map((p.prereviews ?? []).map((r) => [r.id, r])),
    homeVisits: new Map((p.homeVisits ?? []).map((v) => [v.id, v])),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Why the chain does not vouch for the checkpoint at `seq` with this SHA-256, or undefined when it does. */
export type CheckpointJudge = (seq: number, sha256: string) => string | undefined;

export class Snapshots {
  constructor(private readonly db: Db) {}

  /**
   * The newest checkpoint up to `maxSeq` that `judge` accepts; the ones passed over, newest first, with the reason.
   */
  latestTrusted(
    maxSeq: number,
    judge: CheckpointJudge,
  ): { found?: { seq: number; state: HallState }; rejected: Array<{ seq: number; reason: string }> } {
    const seqs = this.db
      .prepare('SELECT seq FROM snapshots WHERE seq <= ? ORDER BY seq DESC')
      .pluck()
      .all(maxSeq) as number[];
    const stateOf = this.db.prepare('SELECT state FROM snapshots WHERE seq = ?').pluck();
    const rejected: Array<{ seq: number; reason: string }> = [];
    for (const seq of seqs) {
      const state = stateOf.get(seq) as string;
      const reason = judge(seq, sha256(state));
      if (!reason) return { found: { seq, state: deserializeState(state) }, rejected };
      rejected.push({ seq, reason });
    }
    return { rejected };
  }

  /** Saves a checkpoint of `state` as of entry `seq`; returns its SHA-256, for the chain to record. */
  save(seq: number, state: HallState, at: number): string {
    const text = serializeState(state);
    this.db.transaction(() => {
      this.db.prepare('INSERT OR REPLACE INTO snapshots (seq, at, state) VALUES (?, ?, ?)').run(seq, at, text);
      // Keep a few recent checkpoints; older ones only cost space.
      this.db
        .prepare(
          'DELETE FROM snapshots WHERE seq < (SELECT MIN(seq) FROM (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT 3))',
        )
        .run();
    })();
    return sha256(text);
  }
}
