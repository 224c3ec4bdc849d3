/** Checkpoints of the live state: a start loads the newest one and replays only the log after it. */
import { buildIdentityIndex, buildIndex } from '../domain/queue-index.js';
import type { HallState } from '../domain/types.js';
import type { Db } from './db.js';

interface SerializedState extends Omit<HallState, 'tickets' | 'counters' | 'appointments' | 'followUps' | 'queues' | 'byIdentity'> {
  tickets: HallState['tickets'] extends Map<string, infer T> ? T[] : never;
  counters: HallState['counters'] extends Map<string, infer T> ? T[] : never;
  appointments: HallState['appointments'] extends Map<string, infer T> ? T[] : never;
  followUps: HallState['followUps'] extends Map<string, infer T> ? T[] : never;
}

export function serializeState(s: HallState): string {
  const { queues: _queues, byIdentity: _byIdentity, ...rest } = s;
  const plain: SerializedState = {
    ...rest,
    tickets: [...s.tickets.values()],
    counters: [...s.counters.values()],
    appointments: [...s.appointments.values()],
    followUps: [...s.followUps.values()],
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
  };
}

export class Snapshots {
  constructor(private readonly db: Db) {}

  latest(maxSeq: number): { seq: number; state: HallState } | undefined {
    const row = this.db.prepare('SELECT seq, state FROM snapshots WHERE seq <= ? ORDER BY seq DESC LIMIT 1').get(maxSeq) as
      | { seq: number; state: string }
      | undefined;
    return row ? { seq: row.seq, state: deserializeState(row.state) } : undefined;
  }

  save(seq: number, state: HallState, at: number): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT OR REPLACE INTO snapshots (seq, at, state) VALUES (?, ?, ?)').run(seq, at, serializeState(state));
      // Keep a few recent checkpoints; older ones only cost space.
      this.db.prepare('DELETE FROM snapshots WHERE seq < (SELECT MIN(seq) FROM (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT 3))').run();
    })();
  }
}
