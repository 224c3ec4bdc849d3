// Ticket printer: `cmd/print` writes ESC/POS bytes; DLE EOT polling publishes `evt/status` when it changes.
import type { PrintCommand } from '../../devices/protocol/mqtt-topics.js';
import {
  dleEot,
  parsePrinterStatus,
  sameStatus,
  type PrinterStatus,
  type StatusReplies,
} from '../printer/escpos-status.js';
import type { PrinterTransport } from '../printer/transport.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { CommandHandlers, DeviceDriver, DriverContext } from './driver.js';

export interface PrinterDriverOptions {
  /** 0 = no polling. */
  statusIntervalMs: number;
  statusTimeoutMs: number;
}

export class PrinterDriver implements DeviceDriver {
  readonly name = 'printer';
  readonly commands: CommandHandlers = { print: (cmd) => this.print(cmd) };
  private ctx: DriverContext | undefined;
  private readonly queue = new SerialQueue();
  private timer: NodeJS.Timeout | undefined;
  private published: PrinterStatus | undefined;
  private stopped = false;
  /** The last write failed (cleared by the next one that succeeds). */
  private writeFailed = false;

  constructor(
    private readonly transport: PrinterTransport,
    private readonly opts: PrinterDriverOptions,
  ) {}

  /** The last status read from the printer. */
  get status(): PrinterStatus | undefined {
    return this.published;
  }

  async start(ctx: DriverContext): Promise<void> {
    this.ctx = ctx;
    ctx.log.info(`printer on ${this.transport.description}`);
    if (this.opts.statusIntervalMs > 0) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.queue.idle();
    await this.transport.close();
  }

  /** Reads the status now and publishes it if it changed. */
  async pollStatus(): Promise<PrinterStatus> {
    // Ahead of queued tickets: behind a stuck write it waits for that write's timeout, never for the whole backlog.
    const status = await this.queue.run(() => this.readStatus(), { first: true });
    if (!sameStatus(this.published, status) && !this.stopped) {
      this.published = status;
      this.ctx?.emit('status', status);
      this.ctx?.log.info(`status paper=${status.paper} cover=${status.cover} error=${status.error ?? '-'}`);
    }
    return status;
  }

  /**
   * Writes the ticket. A printer last seen with no paper or an open cover is checked again first; if it still is,
   * the command fails (`paper-out` / `cover-open`) and nothing is written. A write that fails gives
   * `offline: <reason>` (`offline: write timeout` for a printer that stopped taking bytes). Once the driver is stopping
   * and a write has failed, the tickets still queued fail at once with `stopped` instead of each waiting out the
   * write timeout. These error strings are what the server sorts acks by (docs/devices.md): keep their first words.
   */
  private async print(cmd: PrintCommand): Promise<void> {
    if (this.stopped) throw new Error('stopped');
    const bytes = Buffer.from(cmd.escpos, 'base64');
    if (this.opts.statusIntervalMs > 0 && this.blocked(this.published)) {
      const fresh = await this.pollStatus();
      const reason = this.blocked(fresh);
      if (reason) throw new Error(reason);
    }
    await this.queue.run(async () => {
      if (this.stopped && this.writeFailed) throw new Error('stopped');
      try {
        await this.transport.write(bytes);
        this.writeFailed = false;
      } catch (err) {
        this.writeFailed = true;
        throw new Error(`offline: ${(err as Error).message}`);
      }
    });
    this.ctx?.log.info(`printed ticket ${cmd.ticketId} (${bytes.length} bytes)`);
  }

  private blocked(status: PrinterStatus | undefined): string | null {
    if (status?.paper === 'out') return 'paper-out';
    if (status?.cover === 'open') return 'cover-open';
    return null;
  }

  private async readStatus(): Promise<PrinterStatus> {
    const ask = (n: 1 | 2 | 3 | 4) => this.transport.query(dleEot(n), this.opts.statusTimeoutMs);
    const replies: StatusReplies = { printer: await ask(1) };
    if (replies.printer != null) {
      replies.offline = await ask(2);
      replies.error = await ask(3);
      replies.paper = await ask(4);
    }
    return parsePrinterStatus(replies, this.published);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pollStatus()
        .catch((err: Error) => this.ctx?.log.warn(`status poll failed: ${err.message}`))
        .finally(() => this.schedule(this.opts.statusIntervalMs));
    }, delayMs);
  }
}
