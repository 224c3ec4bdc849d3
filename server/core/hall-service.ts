/**
 * The one write path: command → decide (pure) → one SQLite transaction that appends to the log and updates the read
 * model → apply to the live state → fan out on the bus. Also rebuilds the live state from the log at start.
 *
 * Commands from the API are group-committed (`submit`): those that arrive in the same turn of the event loop are
 * decided one by one in arrival order, each against the state the ones before it left, and written in one durable
 * transaction — one fsync for all of them instead of one each. None is answered or fanned out before that commit.
 */
import type { HallFile } from '../config/hall-schema.js';
import { addDays, hallDay, zonedInstant } from '../domain/clock.js';
import { actorLabel, SYSTEM_ACTOR, type Actor, type DecideContext, type Decision } from '../domain/decide/context.js';
import { startDayIfNeeded } from '../domain/decide/day.js';
import { isStateEvent, type AuditOnlyEntry, type HallEvent } from '../domain/events.js';
import { effectiveHall } from '../domain/hall-amendments.js';
import { apply, initialState } from '../domain/state.js';
import type { Counter, HallState, Ticket } from '../domain/types.js';
import { log } from '../log.js';
import type { StorageProblem } from '../store/storage-full.js';
import type { HallSecret } from '../security/hall-secret.js';
import { digits, randomId } from '../security/random-ids.js';
import type { Db } from '../store/db.js';
import { EventLog, verifyChain, type VerifyResult } from '../store/event-log.js';
import { numbersToReserve, type NumbersOfDay } from '../store/numbers-handed-out.js';
import { Snapshots } from '../store/snapshots.js';
import { TicketProjection } from '../store/ticket-projection.js';
import type { CommittedEvent, EventBus } from './event-bus.js';

export interface HallServiceOptions {
  hallFile: HallFile;
  db: Db;
  secret: HallSecret;
  bus: EventBus;
  alwaysOpen?: boolean;
  clock?: () => number;
  /**
   * Write a checkpoint of the live state, at the latest, after this many events. Sooner is the checkpoint job's
   * business: it writes one when the hall is quiet, because serializing a busy day's state stalls every request.
   */
  snapshotEvery?: number;
  /**
   * Memory and file parted and the state could not be read back: serving on would hand out wrong numbers. The
   * process's owner decides what to do (main.ts exits so the service manager starts it again from the file).
   */
  onFatal?: (error: Error) => void;
}

const ID_PREFIX = {
  ticket: 't',
  appointment: 'ap',
  followup: 'fu',
  case: 'cs',
  prereview: 'pr',
  homevisit: 'hv',
} as const;

type Decide = (ctx: DecideContext, state: HallState) => Decision;

interface Submitted {
  actor: Actor;
  decide: Decide;
  resolve(d: Decision): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; decision: Decision } | { ok: false; error: unknown };

/**
 * Events were written but applying them to the live state failed (a bug): memory and file disagree, so the state
 * must be read back from the file — and in a group commit, the whole batch taken back first.
 */
class StateApplyFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(`applying committed events failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** The ticket an event is about, if any. */
function ticketIdOf(e: HallEvent): string | undefined {
  if (e.type === 'ticket.issued') return e.data.ticket.id;
  return 'ticketId' in e.data ? e.data.ticketId : undefined;
}

export class HallService {
  /** The hall file as loaded; `hallFile` is it with the amendments in force. */
  readonly baseHallFile: HallFile;
  private effective: { of: HallState['amendments']; hall: HallFile } | undefined;
  readonly log: EventLog;
  readonly bus: EventBus;
  readonly alwaysOpen: boolean;
  readonly clock: () => number;
  state: HallState;
  private readonly db: Db;
  /**
   * Runs a function in one transaction (a savepoint when one is open). Made once: `db.transaction(fn)` builds four
   * wrappers with their properties per call, ~5 µs, paid twice per command on the write path.
   */
  private readonly transact: (fn: () => unknown) => unknown;
  private readonly secret: HallSecret;
  private readonly snapshots: Snapshots;
  private readonly projection: TicketProjection;
  private readonly snapshotEvery: number;
  private readonly onFatal: (error: Error) => void;
  private sinceSnapshot = 0;
  /** performance.now() of the last write: the checkpoint job waits for a quiet moment. */
  private lastWriteAt = 0;
  private nextDayAt = 0;
  private nextDayFor = '';
  private submitted: Submitted[] = [];
  /** The chain verified intact at start: then what this hall writes is known intact too (the anchor's verified mark). */
  private chainIntact = false;
  /** What checkChain() found (at start): /healthz and the manager's alerts show a break. */
  chainAtStart: VerifyResult | undefined;
  /** Checkpoints the last rebuild passed over because the chain does not vouch for them. */
  rejectedCheckpoints: Array<{ seq: number; reason: string }> = [];
  private flushScheduled = false;
  /** The disk refused a write (full, read-only, failing) and has taken none since: /healthz says so. */
  storageProblem: { problem: StorageProblem; since: number } | undefined;

  /** A write was refused by the disk (the HTTP layer and background work tell it). */
  noteStorageProblem(problem: StorageProblem): void {
    if (this.storageProblem?.problem !== problem) this.storageProblem = { problem, since: this.clock() };
  }

  /** The log lines of the group commit under way, written once it is on disk. */
  private batchLog: Array<Record<string, unknown>> = [];

  /** True while a group commit's transaction is open: commit() must then write inside it, never on its own. */
  private batchOpen = false;

  constructor(opts: HallServiceOptions) {
    this.baseHallFile = opts.hallFile;
    this.db = opts.db;
    this.transact = this.db.transaction((fn: () => unknown) => fn());
    this.secret = opts.secret;
    this.bus = opts.bus;
    this.alwaysOpen = opts.alwaysOpen ?? false;
    this.clock = opts.clock ?? Date.now;
    // A start replays at most this many events: about a second for 200,000 on a mini-PC (see rebuild-bench). Sooner
    // is the quiet-checkpoint job's: a checkpoint serializes the whole day (~250 ms at 50,000 tickets), so it waits.
    this.snapshotEvery = opts.snapshotEvery ?? 200_000;
    this.onFatal = opts.onFatal ?? ((error) => log.error('the hall cannot go on', { error: error.message }));
    this.log = new EventLog(this.db, this.secret.chainKey);
    this.snapshots = new Snapshots(this.db);
    this.projection = new TicketProjection(this.db, (id) => this.state.tickets.get(id));
    this.state = initialState(this.baseHallFile, hallDay(this.clock(), this.site.timezone));
  }

  /**
   * The hall file in force: services, counters, hours, calendar, policy, playbooks, with the city's amendments
   * (`hall.amended` in the log, so a restart has them too). Cached until the next amendment.
   */
  get hallFile(): HallFile {
    const of = this.state?.amendments;
    if (this.effective?.of !== of || !this.effective)
      this.effective = { of, hall: effectiveHall(this.baseHallFile, of) };
    return this.effective.hall;
  }

  /** The hall itself, as its file's `hall` section describes it: id, name, time zone, languages. */
  get site(): HallFile['hall'] {
    return this.baseHallFile.hall;
  }

  /**
   * Verifies the chain from the anchor's verified mark to the head (a start's check: fast however long the history).
   * An intact chain lets the anchor's verified mark follow what this hall writes; a broken one keeps it before the
   * break, so every start reports it again.
   */
  checkChain(): VerifyResult {
    let result = verifyChain(this.db, this.secret.chainKey, { incremental: true });
    // Broken since the mark: the whole walk names the first broken entry (only ever on this rare path).
    if (!result.ok) result = this.verifyChain();
    this.chainIntact = result.ok;
    this.chainAtStart = result;
    return result;
  }

  /**
   * The log lost its last entries (the head mark kept beside the database says so): what is left verifies, but the
   * loss is reported as this start's finding — /healthz, the critical alert, `audit.chain_broken` in the chain.
   */
  noteLostTail(lost: { from: number; to: number }): void {
    if (this.chainAtStart?.firstBroken) return; // the chain's own break is reported, and comes first
    this.chainAtStart = {
      ...(this.chainAtStart ?? { entries: 0 }),
      ok: false,
      firstBroken: {
        seq: lost.from,
        reason: `the log ends before its head mark: entries ${lost.from}–${lost.to} were lost (a torn or deleted -wal)`,
      },
    };
  }

  /**
   * Today's numbers the log no longer holds (a lost tail) that must never be handed out again, written as a restore
   * writes them (`day.numbers_reserved`); returns what was reserved. A mark of an earlier day reserves nothing.
   */
  reserveLostNumbers(lost: NumbersOfDay): Record<string, number> {
    // A later day (its start was lost too) is reserved for when it starts, as state.ts applies it.
    const beyond = numbersToReserve(lost, { day: this.state.day, sequences: this.state.sequences });
    if (!beyond) return {};
    const now = this.clock();
    this.publish(this.commit(SYSTEM_ACTOR, now, [{ type: 'day.numbers_reserved', data: { ...beyond, at: now } }]));
    return beyond.sequences;
  }

  /** Verifies the whole chain and its anchor (GET /audit/verify). */
  verifyChain(): VerifyResult {
    return verifyChain(this.db, this.secret.chainKey);
  }

  /** Rebuilds the live state: newest checkpoint the chain vouches for, then every state event after it. */
  rebuild(): { fromSeq: number; replayed: number; ms: number } {
    const started = performance.now();
    const { found: snap, rejected } = this.snapshots.latestTrusted(this.log.seq, (seq, sha256) =>
      this.log.checkpointProblem(seq, sha256),
    );
    this.rejectedCheckpoints = rejected;
    const firstDay = this.firstDay() ?? hallDay(this.clock(), this.site.timezone);
    this.state = snap?.state ?? initialState(this.baseHallFile, firstDay);
    // Counters added to the hall file since the checkpoint start closed.
    for (const c of this.hallFile.counters)
      if (!this.state.counters.has(c.id))
        this.state.counters.set(c.id, { id: c.id, status: 'closed' } satisfies Counter);
    let replayed = 0;
    for (const entry of this.log.after(snap?.seq ?? 0)) {
      if (!isStateEvent(entry)) continue; // audit-only entries (logins, staff, devices) change no state
      apply(this.hallFile, this.state, entry);
      replayed++;
    }
    this.sinceSnapshot = replayed;
    return { fromSeq: snap?.seq ?? 0, replayed, ms: Math.round(performance.now() - started) };
  }

  private firstDay(): string | undefined {
    const first = this.db.prepare('SELECT at FROM events ORDER BY seq LIMIT 1').pluck().get() as number | undefined;
    return first === undefined ? undefined : hallDay(first, this.site.timezone);
  }

  context(actor: Actor, now = this.clock()): DecideContext {
    return {
      hallFile: this.hallFile,
      now,
      actor,
      alwaysOpen: this.alwaysOpen,
      newId: (kind) => randomId(ID_PREFIX[kind]),
      newVerifyCode: () => digits(4),
      // Ten digits: guessing a code at a kiosk does not pay (see check-in-throttle.ts).
      newAppointmentCode: () => digits(10),
      newCaseDigits: () => digits(10),
      identityHash: (id) => this.secret.identityHash(id),
      seal: (text) => this.secret.seal(text),
    };
  }

  /**
   * Runs one command through the write path now, in its own transaction. Throws DomainError on a refusal, having
   * changed nothing. `alsoWrite` goes into the command's transaction (a device event's dedupe record: the two are
   * on disk together or not at all); it is not run when the command writes no events or is refused.
   */
  execute(actor: Actor, decide: Decide, alsoWrite?: () => void): Decision {
    const now = this.clock();
    this.startDayIfNeeded(now);
    const decision = decide(this.context(actor, now), this.state);
    if (decision.events.length > 0) {
      try {
        this.publish(this.commit(actor, now, decision.events, alsoWrite));
      } catch (error) {
        // Written but not applied: read the state back from the file, which has the command.
        if (error instanceof StateApplyFailed) this.recoverState(error);
        throw error;
      }
    }
    return decision;
  }

  /**
   * Queues a command for the group commit at the end of this turn of the event loop; resolves once it is on disk
   * and fanned out, or rejects with its refusal (DomainError), having changed nothing.
   */
  submit(actor: Actor, decide: Decide): Promise<Decision> {
    return new Promise((resolve, reject) => {
      this.submitted.push({ actor, decide, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.submitted;
    this.submitted = [];
    const now = this.clock();
    const outcomes: Outcome[] = [];
    const committed: CommittedEvent[] = [];
    try {
      this.startDayIfNeeded(now);
      this.inTransaction(() => {
        this.batchOpen = true;
        for (const item of batch) {
          try {
            const decision = item.decide(this.context(item.actor, now), this.state);
            // commit() nests a transaction, which is a savepoint: a command whose write fails takes only itself back.
            if (decision.events.length > 0) committed.push(...this.commit(item.actor, now, decision.events));
            outcomes.push({ ok: true, decision });
          } catch (error) {
            // SQLite itself may have rolled back the whole transaction (disk full, I/O error): then nothing of the
            // batch is on disk, and what was applied must go too. Likewise when events could not be applied.
            if (error instanceof StateApplyFailed || !this.db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // Nothing of the batch is on disk, but the state in memory may have some of it: refuse all, read the file back
      // (unless nothing was applied yet, e.g. the disk was full at the first write: then a rebuild per retry would
      // stall the hall for nothing).
      for (const item of batch) item.reject(error);
      this.batchLog = [];
      if (committed.length > 0 || error instanceof StateApplyFailed) this.recoverState(error);
      return;
    } finally {
      this.batchOpen = false;
    }
    for (const line of this.batchLog.splice(0)) log.info('command', line);
    this.publish(committed);
    batch.forEach((item, i) => {
      const o = outcomes[i];
      if (o.ok) item.resolve(o.decision);
      else item.reject(o.error);
    });
  }

  /** Starts a new hall day when the clock has passed midnight in the hall's zone (also run by the day job). */
  startDayIfNeeded(now = this.clock()): void {
    // Cheap check first: the hall clock is read only once the next hall day may have begun.
    if (now < this.nextDayAt && this.nextDayFor === this.state.day) return;
    this.nextDayFor = this.state.day;
    this.nextDayAt = zonedInstant(addDays(this.state.day, 1), 0, this.site.timezone);
    const d = startDayIfNeeded(this.context(SYSTEM_ACTOR, now), this.state);
    if (d.events.length === 0) return;
    this.publish(this.commit(SYSTEM_ACTOR, now, d.events));
    this.recordAnchor(now);
    this.snapshot();
    log.info('hall day started', { day: this.state.day });
  }

  /**
   * Writes one command's events (in a transaction of its own, or the group commit's) and applies them to the live
   * state once written. The caller publishes them after the outermost commit.
   */
  private commit(actor: Actor, at: number, events: HallEvent[], alsoWrite?: () => void): CommittedEvent[] {
    // Inside a group commit a missing transaction means SQLite dropped it: writing now would commit on its own.
    if (this.batchOpen && !this.db.inTransaction) throw new Error('the group commit’s transaction was rolled back');
    const label = actorLabel(actor);
    const entries = this.inTransaction(() => {
      const appended = this.log.append(
        events.map((e) => ({ type: e.type, actor: label, at, data: e.data, streamed: true })),
      );
      for (const e of events) this.projection.apply(e);
      alsoWrite?.();
      return appended;
    });
    // The ticket as each event left it: later commands of the same batch change it before the fan-out.
    let tickets: Array<Ticket | undefined>;
    try {
      tickets = events.map((e) => {
        apply(this.hallFile, this.state, e);
        const id = ticketIdOf(e);
        const t = id ? this.state.tickets.get(id) : undefined;
        return t ? { ...t } : undefined;
      });
    } catch (error) {
      throw new StateApplyFailed(error);
    }
    this.sinceSnapshot += events.length;
    this.lastWriteAt = performance.now();
    this.storageProblem = undefined;
    if (log.enabled('info')) {
      const line = { actor: label, events: events.map((e) => e.type), seq: entries[entries.length - 1].seq };
      // In a group commit the line waits for the batch's commit: a batch SQLite takes back wrote nothing.
      if (this.batchOpen) this.batchLog.push(line);
      else log.info('command', line);
    }
    return entries.map((entry, i) => ({
      seq: entry.seq,
      streamSeq: entry.streamSeq!,
      at,
      actor: label,
      event: events[i],
      ticket: tickets[i],
    }));
  }

  /** Reads the live state back from the file after memory and file parted; a hall that cannot do that reports it. */
  private recoverState(cause: unknown): void {
    log.error('rebuilding the live state from the log', { error: (cause as Error)?.message ?? String(cause) });
    try {
      this.rebuild();
    } catch (error) {
      // Serving from a state that disagrees with the log would hand out wrong numbers: the owner stops the process,
      // and the service manager starts it again from the file.
      log.error('cannot rebuild the live state; stopping', { error: (error as Error).message });
      this.onFatal(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** After the commit: a checkpoint when one is due, then the fan-out. */
  private publish(committed: CommittedEvent[]): void {
    if (committed.length === 0) return;
    if (this.sinceSnapshot >= this.snapshotEvery) this.snapshot();
    this.bus.emit('committed', committed);
  }

  /** Writes an audit-only entry (login, staff or device change, audit query) to the chain. */
  audit(actor: Actor | { kind: 'user' | 'device' | 'system'; id: string }, entry: AuditOnlyEntry): void {
    this.auditEntries(actor, [entry]);
  }

  /** Several audit entries of one actor in one durable transaction (one fsync for a batch of skipped bookings). */
  auditEntries(actor: Actor | { kind: 'user' | 'device' | 'system'; id: string }, entries: AuditOnlyEntry[]): void {
    if (entries.length === 0) return;
    const at = this.clock();
    const label = `${actor.kind}:${actor.id}`;
    this.inTransaction(() =>
      this.log.append(entries.map((e) => ({ type: e.type, actor: label, at, data: e.data, streamed: false }))),
    );
    this.storageProblem = undefined;
  }

  /** One durable transaction; if it rolls back, the chain's head in memory is read again from the file. */
  private inTransaction<T>(fn: () => T): T {
    try {
      return this.transact(fn) as T;
    } catch (err) {
      this.log.reloadHead();
      throw err;
    }
  }

  /** Events since the last checkpoint, and how long ago (ms) the last one was written. */
  checkpointDue(): { events: number; quietMs: number } {
    return { events: this.sinceSnapshot, quietMs: performance.now() - this.lastWriteAt };
  }

  /**
   * Writes the chain's head into the chain itself (`audit.anchor`, with where keyed hashing starts): each day's is the
   * one to keep off the box. Then the anchor row beside the log follows.
   */
  recordAnchor(now = this.clock()): void {
    const { seq, hash } = this.log.head;
    this.inTransaction(() => {
      this.log.append([
        {
          type: 'audit.anchor',
          actor: actorLabel(SYSTEM_ACTOR),
          at: now,
          data: { seq, hash, keyedFrom: this.log.keyedFrom },
          streamed: false,
        },
      ]);
      this.log.writeAnchor(now, this.chainIntact);
    });
  }

  /** Moves the anchor row to the head when it has moved (the checkpoint job, at quiet moments): no log entry. */
  anchorIfMoved(): void {
    if (this.log.anchor?.seq === this.log.seq) return;
    this.inTransaction(() => this.log.writeAnchor(this.clock(), this.chainIntact));
  }

  /**
   * Writes a checkpoint of the live state, its SHA-256 into the chain right after it, and the anchor; false when
   * that failed (the log still has everything).
   */
  snapshot(): boolean {
    try {
      const at = this.clock();
      const seq = this.log.seq;
      this.inTransaction(() => {
        const sha256 = this.snapshots.save(seq, this.state, at);
        this.log.append([
          { type: 'checkpoint.saved', actor: actorLabel(SYSTEM_ACTOR), at, data: { seq, sha256 }, streamed: false },
        ]);
        this.log.writeAnchor(at, this.chainIntact);
      });
      this.sinceSnapshot = 0;
      return true;
    } catch (err) {
      log.warn('checkpoint failed; the log still has everything', { error: (err as Error).message });
      return false;
    }
  }

  unseal(sealed: string): string {
    return this.secret.unseal(sealed);
  }
}
