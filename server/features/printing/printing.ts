/**
 * Tickets on paper: a ticket issued at a kiosk goes to that kiosk's printer, or, when it can't print (offline, paper
 * out, cover open), to another working printer; with none, the kiosk shows the number on screen.
 */
import type { CommittedEvent } from '../../core/event-bus.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { CommandOutbox } from '../../mqtt/command-outbox.js';
import type { DeviceDirectory } from '../../mqtt/device-directory.js';
import type { TicketPrintInput } from '../../../devices/ticket/index.js';
import { ticketPrintInput } from '../../printing/ticket-print-input.js';
import { printerProblem } from '../../store/printer-health.js';

export interface PrintDecision {
  printerId: string | null;
  fallback: boolean;
  reason?: string;
}

/**
 * A ticket prints within this or not at all: the holder waits at the kiosk for it. A printer that drops offline with a
 * job open may have printed it already, so the job is not sent elsewhere (a second paper of one number is a ticket to
 * resell); back within this, it prints; later, the holder has gone, and a ticket printed then would go to whoever
 * stands at the kiosk. The kiosk showed the number on screen either way.
 */
const PRINT_TTL_MS = 30_000;

export class TicketPrinting implements Feature {
  readonly name = 'printing';
  private readonly decisions = new Map<string, PrintDecision>();
  private readonly refusedBy = new Map<string, string[]>();
  private readonly unsubscribe: Array<() => void> = [];
  /** The ticket renderer, once loaded (at start: see print). */
  private render?: (input: TicketPrintInput) => Buffer;
  private rendererLoaded?: Promise<void>;

  constructor(
    private readonly hall: HallService,
    private readonly directory: DeviceDirectory,
    private readonly outbox: CommandOutbox,
    private readonly publicUrl: () => string,
  ) {}

  start(): void {
    // Loaded here, off the first ticket's path, in a hall with printers: the renderer is large.
    if (this.directory.ofKind('printer').length > 0) void this.loadRenderer();
    this.unsubscribe.push(
      this.hall.bus.on('ticket.issued', (c) => this.onIssued(c)),
      this.hall.bus.on('command.refused', ({ deviceId, name, payload, error }) => {
        if (name === 'print') this.onPrintRefused(deviceId, payload, error);
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /**
   * Picks the printer for a kiosk: its own when healthy, else any healthy one the public can reach (never one in
   * `exclude`). A counter's printer stands behind its window: a live ticket printed there would be in staff's hands.
   */
  choosePrinter(kioskId: string, exclude: string[] = []): PrintDecision {
    const printers = this.directory.ofKind('printer').filter((p) => !exclude.includes(p.id) && !p.counterId);
    const own = printers.filter((p) => p.kioskId === kioskId);
    const healthyOwn = own.find((p) => !printerProblem(p));
    if (healthyOwn) return { printerId: healthyOwn.id, fallback: false };
    const other = printers.find((p) => !printerProblem(p));
    const reason = own.length ? `${own[0].id}: ${printerProblem(own[0])}` : 'this kiosk has no printer';
    if (other) return { printerId: other.id, fallback: true, reason };
    return { printerId: null, fallback: true, reason };
  }

  private onIssued(c: CommittedEvent<'ticket.issued'>): void {
    if (!c.actor.startsWith('device:')) return;
    const kioskId = c.actor.slice('device:'.length);
    if (this.directory.get(kioskId)?.kind !== 'kiosk') return;
    const ticket = this.hall.state.tickets.get(c.event.data.ticket.id);
    if (!ticket) return;
    const decision = this.choosePrinter(kioskId);
    this.remember(ticket.id, decision);
    if (!decision.printerId) return;
    this.print(
      decision.printerId,
      ticketPrintInput(this.hall.hallFile, this.hall.state, ticket, this.publicUrl()),
      ticket.id,
    );
  }

  /**
   * Stores the job in the outbox in the same turn as the commit's fan-out, so before the kiosk's answer: a job stored
   * a turn later (behind an `await`) was lost to a power cut after the kiosk had said "take your ticket" (QA-M).
   */
  private print(printerId: string, input: TicketPrintInput, ticketId: string): void {
    if (!this.render) {
      // The first ticket of a hall's first printer, or in the first moments after a start.
      void this.loadRenderer().then(() => this.print(printerId, input, ticketId));
      return;
    }
    const escpos = this.render(input);
    this.outbox.send(printerId, 'print', { ticketId, escpos: escpos.toString('base64') }, PRINT_TTL_MS);
  }

  private loadRenderer(): Promise<void> {
    this.rendererLoaded ??= import('../../../devices/ticket/index.js').then((m) => {
      this.render = m.renderTicketEscPos;
    });
    return this.rendererLoaded;
  }

  /** A printer refused a job (paper out, cover open): print it on another healthy printer, if there is one. */
  private onPrintRefused(printerId: string, payload: Record<string, unknown>, error: string): void {
    const ticketId = String(payload.ticketId ?? '');
    const ticket = this.hall.state.tickets.get(ticketId);
    const kioskId = this.directory.get(printerId)?.kioskId ?? '';
    if (!ticket) return;
    const tried = [...(this.refusedBy.get(ticketId) ?? []), printerId];
    this.refusedBy.set(ticketId, tried);
    const decision = this.choosePrinter(kioskId, tried);
    this.remember(ticketId, { ...decision, fallback: true, reason: `${printerId}: ${error}` });
    if (decision.printerId)
      this.outbox.send(decision.printerId, 'print', { ticketId, escpos: payload.escpos }, PRINT_TTL_MS);
  }

  /** What happened to a ticket's print job, for the kiosk's answer. */
  decisionFor(ticketId: string): PrintDecision | undefined {
    return this.decisions.get(ticketId);
  }

  private remember(ticketId: string, d: PrintDecision): void {
    this.decisions.set(ticketId, d);
    if (this.decisions.size > 500) this.decisions.delete(this.decisions.keys().next().value!);
    if (this.refusedBy.size > 500) this.refusedBy.delete(this.refusedBy.keys().next().value!);
  }
}
