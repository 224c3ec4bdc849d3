/**
 * Commands to devices, with ids and acks: stored before they are sent, resent until acked, dropped when they are
 * too old to matter (a call announced an hour late helps nobody), and a device that never answers is marked faulty.
 */
import type { CommandName, HallTopics } from '../../devices/protocol/mqtt-topics.js';
import type { Feature } from '../core/feature.js';
import { log } from '../log.js';
import { randomId } from '../security/random-ids.js';
import type { Db } from '../store/db.js';
import type { MqttLink } from './mqtt-link.js';

export interface OutboxOptions {
  retryMs?: number;
  maxAttempts?: number;
  clock?: () => number;
  /** Devices known to be offline keep their commands until they return (or the commands expire). Default: all online. */
  isOnline?: (deviceId: string) => boolean;
  /** Called when a device failed to ack a command after every retry. */
  onFaulty?: (deviceId: string) => void;
  onAcked?: (deviceId: string) => void;
  /** Called when a device refused a command for good (e.g. a printer out of paper): the work may go elsewhere. */
  onRefused?: (deviceId: string, name: CommandName, payload: Record<string, unknown>, error: string) => void;
}

interface Row {
  id: string;
  device_id: string;
  name: CommandName;
  payload: string;
  attempts: number;
  expires_at: number;
  /** While open: the last passing failure the device answered with (it answers, so it is not silent). */
  result?: string | null;
}

export class CommandOutbox implements Feature {
  readonly name = 'command-outbox';
  private timer?: NodeJS.Timeout;
  private readonly retryMs: number;
  private readonly maxAttempts: number;
  private readonly clock: () => number;
  private readonly stmts;
  private readonly isOnline: (deviceId: string) => boolean;
  private readonly onFaulty?: (deviceId: string) => void;
  private readonly onAcked?: (deviceId: string) => void;
  private readonly onRefused?: OutboxOptions['onRefused'];
  /** Devices that answered `queue-full` and still have commands open: theirs go out in order, never overtaking. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly link: MqttLink,
    private readonly t: HallTopics,
    opts: OutboxOptions = {},
  ) {
    this.retryMs = opts.retryMs ?? 3000;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.clock = opts.clock ?? Date.now;
    this.isOnline = opts.isOnline ?? (() => true);
    this.onFaulty = opts.onFaulty;
    this.onAcked = opts.onAcked;
    this.onRefused = opts.onRefused;
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO device_commands (id, device_id, name, payload, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      // A send clears the last answer: only an answer to the latest send says the device is alive.
      sent: db.prepare(
        'UPDATE device_commands SET attempts = attempts + 1, last_sent_at = ?, result = NULL WHERE id = ?',
      ),
      // A busy device is asked until the command expires: its tries start again with each such answer.
      answered: db.prepare(
        'UPDATE device_commands SET result = ?, attempts = CASE WHEN ? THEN 0 ELSE attempts END WHERE id = ? AND device_id = ? AND acked_at IS NULL',
      ),
      supersede: db.prepare(
        "UPDATE device_commands SET acked_at = ?, result = 'superseded' WHERE device_id = ? AND name = ? AND acked_at IS NULL",
      ),
      get: db.prepare(
        'SELECT id, device_id, name, payload, attempts, expires_at FROM device_commands WHERE id = ? AND device_id = ?',
      ),
      ack: db.prepare(
        'UPDATE device_commands SET acked_at = ?, result = ? WHERE id = ? AND device_id = ? AND acked_at IS NULL',
      ),
      due: db.prepare(
        'SELECT id, device_id, name, payload, attempts, expires_at, result FROM device_commands WHERE acked_at IS NULL AND (last_sent_at IS NULL OR last_sent_at <= ?) ORDER BY created_at, rowid',
      ),
      pendingFor: db.prepare(
        'SELECT id, device_id, name, payload, attempts, expires_at, result FROM device_commands WHERE acked_at IS NULL AND device_id = ? ORDER BY created_at, rowid',
      ),
      close: db.prepare('UPDATE device_commands SET acked_at = ?, result = ? WHERE id = ?'),
      withdraw: db.prepare(
        "UPDATE device_commands SET acked_at = ?, result = 'withdrawn' WHERE id = ? AND device_id = ? AND acked_at IS NULL",
      ),
      prune: db.prepare('DELETE FROM device_commands WHERE acked_at IS NOT NULL AND acked_at < ?'),
    };
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), Math.max(250, Math.floor(this.retryMs / 2)));
    this.timer.unref();
    // After a (re)connect, everything still open goes out again at once.
    this.link.onConnect(() => this.resendAll());
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Stores and sends a command; returns its id. `supersede` closes the device's open commands of the same name first
   * (a newer LED frame: an older one resent later must never come back on the board).
   */
  send(
    deviceId: string,
    name: CommandName,
    body: Record<string, unknown>,
    ttlMs: number,
    opts: { supersede?: boolean; urgent?: boolean } = {},
  ): string {
    if (opts.supersede) this.stmts.supersede.run(this.clock(), deviceId, name);
    const id = randomId('c');
    const payload = JSON.stringify({ id, ...body });
    const now = this.clock();
    this.stmts.insert.run(id, deviceId, name, payload, now, now + ttlMs);
    // A busy device's older commands wait for their turn to be asked again: this one goes after them, with the tick.
    // An urgent one (an evacuation notice) does not wait behind calls: the speaker takes it before them.
    if (this.busy.has(deviceId) && !opts.urgent) return id;
    this.transmit({ id, device_id: deviceId, name, payload, attempts: 0, expires_at: now + ttlMs });
    return id;
  }

  /**
   * A device's answer. A failure that may pass keeps the command open, so it is sent again, and is an answer, never
   * silence: the device is not faulty. A busy device (`queue-full`: a speaker with calls still to play) is asked until
   * the command expires, however many times it takes; one that cannot do it now (printer unreachable, restarting) for
   * the usual tries, and then `onRefused` may send the work elsewhere. Any other failure ends the command at once.
   */
  ack(deviceId: string, id: string, ok: boolean, error?: string): void {
    if (!ok && isRetryable(error)) {
      const busy = error!.startsWith('queue-full') ? 1 : 0;
      if (this.stmts.answered.run(error, busy, id, deviceId).changes === 0) return;
      if (busy) this.busy.add(deviceId);
      log.info('device will be asked again', { deviceId, id, error });
      this.onAcked?.(deviceId);
      return;
    }
    const row = ok ? undefined : (this.stmts.get.get(id, deviceId) as Row | undefined);
    const changed = this.stmts.ack.run(this.clock(), ok ? 'ok' : `error: ${error ?? 'unknown'}`, id, deviceId).changes;
    if (!changed) return;
    this.onAcked?.(deviceId);
    if (!ok) {
      log.warn('device refused a command', { deviceId, id, error });
      if (row) this.onRefused?.(deviceId, row.name, JSON.parse(row.payload), error ?? 'unknown');
    }
  }

  /** Withdraws a device's open commands of one name: what they asked for no longer stands (a closed rating prompt). */
  cancel(deviceId: string, name: CommandName): void {
    this.stmts.supersede.run(this.clock(), deviceId, name);
  }

  /** Withdraws one open command: what it asked for no longer stands (a notice of a playbook that has ended). */
  withdraw(deviceId: string, id: string): void {
    this.stmts.withdraw.run(this.clock(), id, deviceId);
  }

  /** Sends again every open command of one device (it just came online). */
  flush(deviceId: string): void {
    for (const row of this.stmts.pendingFor.all(deviceId) as Row[]) this.retryOrClose(row);
  }

  pending(deviceId?: string): number {
    const sql = deviceId
      ? this.db
          .prepare('SELECT COUNT(*) FROM device_commands WHERE acked_at IS NULL AND device_id = ?')
          .pluck()
          .get(deviceId)
      : this.db.prepare('SELECT COUNT(*) FROM device_commands WHERE acked_at IS NULL').pluck().get();
    return sql as number;
  }

  private resendAll(): void {
    for (const row of this.stmts.due.all(Number.MAX_SAFE_INTEGER) as Row[]) this.retryOrClose(row);
  }

  private tick(): void {
    // While the broker is away nothing can be acked: retrying then would only mark healthy devices faulty.
    if (!this.link.connected) return;
    const now = this.clock();
    const due = this.stmts.due.all(now - this.retryMs) as Row[];
    const held = this.heldBehindBusy(due, now);
    for (const row of due) if (!held.has(row.id)) this.retryOrClose(row);
    this.stmts.prune.run(now - 24 * 60 * 60 * 1000);
  }

  /**
   * The open commands of a busy device that must wait: those younger than one still in flight (asked again less than
   * a retry ago). Sent now, a new call would reach the speaker's freed place before the older calls it had no room
   * for, and the hall would hear the numbers out of order.
   */
  private heldBehindBusy(due: Row[], now: number): Set<string> {
    const held = new Set<string>();
    if (this.busy.size === 0) return held;
    const dueIds = new Set(due.map((row) => row.id));
    for (const deviceId of this.busy) {
      const open = this.stmts.pendingFor.all(deviceId) as Row[];
      if (open.length === 0) {
        this.busy.delete(deviceId);
        continue;
      }
      let inFlight = false;
      for (const row of open) {
        if (isUrgent(row)) continue; // never held, and holds nothing back
        if (inFlight && row.expires_at > now) held.add(row.id);
        if (!dueIds.has(row.id)) inFlight = true;
      }
    }
    return held;
  }

  private retryOrClose(row: Row): void {
    const now = this.clock();
    if (row.expires_at <= now) {
      this.stmts.close.run(now, 'expired', row.id);
      // Busy for the whole life of a command (a speaker whose queue never empties): the work is lost, so it is shown.
      if (row.result?.startsWith('queue-full')) {
        log.warn('device stayed busy until a command expired', { deviceId: row.device_id, command: row.name });
        this.onFaulty?.(row.device_id);
      }
      return;
    }
    if (!this.isOnline(row.device_id)) return;
    if (row.attempts >= this.maxAttempts && row.result) {
      // It kept answering that it cannot do it now: refused, not faulty.
      this.stmts.close.run(now, `error: ${row.result}`, row.id);
      log.warn('device could not carry out a command', {
        deviceId: row.device_id,
        command: row.name,
        error: row.result,
      });
      this.onRefused?.(row.device_id, row.name, JSON.parse(row.payload), row.result);
      return;
    }
    if (row.attempts >= this.maxAttempts) {
      this.stmts.close.run(now, 'no ack', row.id);
      log.warn('device did not acknowledge a command', {
        deviceId: row.device_id,
        command: row.name,
        attempts: row.attempts,
      });
      this.onFaulty?.(row.device_id);
      // Never acknowledged is as good as refused: whoever sent it may send the work elsewhere (a ticket's print).
      this.onRefused?.(row.device_id, row.name, JSON.parse(row.payload), 'no ack');
      return;
    }
    this.transmit(row);
  }

  private transmit(row: Row): void {
    this.stmts.sent.run(this.clock(), row.id);
    this.link.publish(this.t.deviceCmd(row.device_id, row.name), row.payload, { qos: 1, retain: false });
  }
}

/** An urgent announcement (a playbook's notice): the busy speaker takes it before its queued calls. */
function isUrgent(row: Row): boolean {
  return row.payload.includes('"urgent":true');
}

/** Failures a later try may not meet (the bridge's error words, see docs/devices.md). */
export function isRetryable(error: string | undefined): boolean {
  return /^(offline|queue-full|stopped|transport closed)/.test(error ?? '');
}
