/** A pure in-memory hall for domain tests: decide + apply with a controllable clock, no I/O. */
import { createHash } from 'node:crypto';
import { loadHallFile } from '../../server/config/load-hall.js';
import type { HallFile } from '../../server/config/hall-schema.js';
import type { Actor, DecideContext, Decision } from '../../server/domain/decide/context.js';
import type { HallEvent } from '../../server/domain/events.js';
import { apply, initialState } from '../../server/domain/state.js';
import { hallDay } from '../../server/domain/clock.js';
import type { HallState } from '../../server/domain/types.js';

export const MANAGER: Actor = { kind: 'user', id: 'u_boss', role: 'manager', name: 'Boss' };
export const KIOSK: Actor = { kind: 'device', id: 'kiosk-1', role: 'kiosk' };

/** Monday 2026-11-23 10:00 in Asia/Shanghai. */
export const MONDAY_10AM = Date.parse('2026-11-23T10:00:00+08:00');

export class PureHall {
  readonly hall: HallFile;
  state: HallState;
  now: number;
  readonly log: HallEvent[] = [];
  private n = 0;

  constructor(opts: { now?: number; hall?: HallFile; alwaysOpen?: boolean } = {}) {
    this.hall = opts.hall ?? loadHallFile();
    this.now = opts.now ?? MONDAY_10AM;
    this.state = initialState(this.hall, hallDay(this.now, this.hall.hall.timezone));
    this.alwaysOpen = opts.alwaysOpen ?? true;
  }
  alwaysOpen: boolean;

  ctx(actor: Actor = MANAGER): DecideContext {
    return {
      hallFile: this.hall,
      now: this.now,
      actor,
      alwaysOpen: this.alwaysOpen,
      newId: (kind) => `${kind}-${++this.n}`,
      newVerifyCode: () => String(1000 + (this.n % 9000)),
      newAppointmentCode: () => String(100000 + ++this.n),
      newCaseDigits: () => String(1_000_000_000 + ++this.n),
      identityHash: (id) => createHash('sha256').update(id).digest('hex'),
      seal: (text) => `sealed(${text.length})`,
    };
  }

  /** Runs a decision and applies its events, like the server's write path minus the database. */
  run(decide: (ctx: DecideContext, s: HallState) => Decision, actor: Actor = MANAGER): Decision {
    const d = decide(this.ctx(actor), this.state);
    for (const e of d.events) {
      apply(this.hall, this.state, e);
      this.log.push(e);
    }
    return d;
  }

  advance(minutes: number): void {
    this.now += minutes * 60_000;
  }
}
