// Call speaker: `cmd/announce` goes into this speaker's one queue, so announcements never talk over each other; a
// playbook's notice (`urgent`) goes before the calls still waiting, and a more severe notice (`priority`) before a less
// severe one, cutting it off if it is being said.
import type { AnnounceCommand } from '../../devices/protocol/mqtt-topics.js';
import type { SpeechOutput } from '../speaker/speech.js';
import { SerialQueue } from '../util/serial-queue.js';
import { sleep } from '../util/spawn.js';
import type { CommandHandlers, DeviceDriver, DriverContext } from './driver.js';

/** Notices a speaker takes beyond `maxQueue`. */
const URGENT_ROOM = 5;
/** A notice this severe (life-safety: a fire's evacuation) drops the calls still waiting: nobody goes to a window. */
const DROPS_CALLS_FROM = 3;

export interface SpeakerDriverOptions {
  /** Silence between repeats. */
  pauseMs: number;
  /** Announcements queued or playing beyond this are refused with `queue-full`. */
  maxQueue: number;
  /** An announcement that waited longer than this in the queue is dropped unspoken (a late call misleads). */
  staleAfterMs: number;
}

/**
 * The ack of `cmd/announce` means "queued": it is sent at once, not after speaking, because a busy hall queues
 * several announcements and the server resends unacked commands within seconds. Failures to speak are logged.
 */
export class SpeakerDriver implements DeviceDriver {
  readonly name = 'speaker';
  readonly commands: CommandHandlers = {
    announce: (cmd) => this.announce(cmd),
    'announce-cancel': async (cmd) => this.cancel(cmd.tag),
  };
  /** Tag → the last announcement taken when it was cancelled: those up to it with that tag are dropped unspoken. */
  private readonly cancelled = new Map<string, number>();
  /** Announcements taken so far: their order, which a cancellation is compared with (two can share a millisecond). */
  private taken = 0;
  /** Calls taken up to this order are dropped unspoken: a life-safety notice came after them. */
  private callsDroppedUpTo = 0;
  private readonly queue = new SerialQueue();
  private stopped = false;
  /** Notices taken and not yet begun, by their order: room is made among them for a more severe one. */
  private readonly waitingNotices = new Map<number, { priority: number }>();
  /** Notices dropped to make that room: they are skipped when their turn comes. */
  private readonly evicted = new Set<number>();
  /** What is being said now: a more severe notice cuts off a less severe one. */
  private playing: { urgent: boolean; priority: number; cut: boolean } | undefined;
  private ctx: DriverContext | undefined;

  constructor(
    private readonly speech: SpeechOutput,
    private readonly opts: SpeakerDriverOptions,
  ) {}

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    const problem = this.speech.problem?.();
    if (problem) ctx.log.error(`speaker cannot speak: ${problem}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.speech.cancel();
    await this.queue.idle();
  }

  /** Resolves when everything queued so far has been spoken (or dropped). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Drops the queued announcements with `tag` (bounded: the oldest cancellations are forgotten first). */
  private cancel(tag: string): void {
    this.cancelled.delete(tag);
    if (this.cancelled.size >= 100) this.cancelled.delete(this.cancelled.keys().next().value!);
    this.cancelled.set(tag, this.taken);
  }

  private async announce(cmd: AnnounceCommand): Promise<void> {
    if (this.stopped) throw new Error('stopped');
    // A notice (an evacuation) is taken past a queue full of calls, a few at most: the server sends one at a time.
    const limit = cmd.urgent ? this.opts.maxQueue + URGENT_ROOM : this.opts.maxQueue;
    if (this.queue.size >= limit && !(cmd.urgent && this.dropLesserNotice(cmd.priority ?? 0)))
      throw new Error('queue-full');
    const playing = this.playing;
    if (cmd.urgent && (cmd.priority ?? 0) >= DROPS_CALLS_FROM) this.callsDroppedUpTo = this.taken;
    if (cmd.urgent && playing?.urgent && playing.priority < (cmd.priority ?? 0)) {
      playing.cut = true;
      this.speech.cancel();
    }
    this.enqueue(cmd, ++this.taken, Date.now());
  }

  /**
   * Makes room for a notice in a queue full of less severe ones (a fire's evacuation refused as `queue-full` would
   * wait for the server's next try): the least severe, latest taken, is dropped unspoken. False when there is none.
   */
  private dropLesserNotice(priority: number): boolean {
    let pick: { order: number; priority: number } | undefined;
    for (const [order, n] of this.waitingNotices)
      if (
        n.priority < priority &&
        (!pick || n.priority < pick.priority || (n.priority === pick.priority && order > pick.order))
      )
        pick = { order, ...n };
    if (!pick) return false;
    this.waitingNotices.delete(pick.order);
    this.evicted.add(pick.order);
    return true;
  }

  /**
   * `order` and `queuedAt` stay those of when it was taken, also when it is queued again after being cut off, which
   * puts it back ahead of the notices of its own severity (its other languages wait behind it, as they did).
   */
  private enqueue(cmd: AnnounceCommand, order: number, queuedAt: number, cutOff = false): void {
    if (cmd.urgent) this.waitingNotices.set(order, { priority: cmd.priority ?? 0 });
    void this.queue
      .run(() => this.say(cmd, order, queuedAt), { first: cmd.urgent, priority: cmd.priority, front: cutOff })
      .then(
        (outcome) =>
          outcome === 'cut'
            ? this.ctx?.log.info(`announcement ${cmd.id} cut off by a more severe notice: said again after it`)
            : this.ctx?.log.info(`announced "${cmd.text}" ×${cmd.repeat}`),
        (err: Error) => this.ctx?.log.warn(`announcement ${cmd.id} not spoken: ${err.message}`),
      );
  }

  private async say(cmd: AnnounceCommand, order: number, queuedAt: number): Promise<'said' | 'cut'> {
    this.waitingNotices.delete(order);
    if (this.evicted.delete(order)) throw new Error('dropped: a more severe notice needed its place');
    if (this.stopped) throw new Error('dropped: the bridge is stopping');
    if (Date.now() - queuedAt > this.opts.staleAfterMs) throw new Error('dropped: waited too long in the queue');
    if (!cmd.urgent && order <= this.callsDroppedUpTo)
      throw new Error('dropped: a life-safety notice came after this call');
    if (cmd.tag !== undefined && (this.cancelled.get(cmd.tag) ?? -Infinity) >= order)
      throw new Error(`dropped: ${cmd.tag} was cancelled`);
    const playing = { urgent: cmd.urgent === true, priority: cmd.priority ?? 0, cut: false };
    this.playing = playing;
    let said = 0;
    try {
      for (let i = 0; i < cmd.repeat && !this.stopped && !playing.cut; i++) {
        if (i > 0) await sleep(this.opts.pauseMs);
        if (playing.cut || this.stopped) break;
        await this.speech.speak(cmd.text, cmd.lang);
        said++;
      }
    } catch (err) {
      if (!playing.cut) throw err;
    } finally {
      this.playing = undefined;
    }
    // Stopped between repeats: not all of it was said.
    if (said < cmd.repeat && !playing.cut) throw new Error('cut off: the bridge is stopping');
    if (!playing.cut) return 'said';
    // Whole, after the more severe one (queued ahead of it): half a notice tells nobody what to do.
    if (!this.stopped) this.enqueue(cmd, order, queuedAt, true);
    return 'cut';
  }
}
