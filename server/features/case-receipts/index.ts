/** The acceptance receipt (受理回执): printed on the counter's printer when a case is opened there. */
import type { CommittedEvent } from '../../core/event-bus.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { CommandOutbox } from '../../mqtt/command-outbox.js';
import type { DeviceDirectory } from '../../mqtt/device-directory.js';
import { printerProblem } from '../../store/printer-health.js';
import { caseReceiptInput } from './receipt-input.js';

const PRINT_TTL_MS = 3 * 60_000;

export class CaseReceipts implements Feature {
  readonly name = 'case-receipts';
  private off: (() => void) | undefined;

  constructor(
    private readonly hall: HallService,
    private readonly directory: DeviceDirectory,
    private readonly outbox: Pick<CommandOutbox, 'send'>,
    private readonly publicUrl: () => string,
  ) {}

  start(): void {
    this.off = this.hall.bus.on('case.opened', (c) => void this.onOpened(c));
  }

  stop(): void {
    this.off?.();
  }

  private async onOpened(c: CommittedEvent<'case.opened'>): Promise<void> {
    const opened = c.event.data.case;
    // The counter's own printer, a healthy one first; a counter without one prints nothing (the console shows it).
    const printers = this.directory.atCounter('printer', opened.counterId);
    const printer = printers.find((p) => !printerProblem(p)) ?? printers[0];
    if (!printer) return;
    const { renderCaseReceiptEscPos } = await import('../../../devices/ticket/index.js');
    const escpos = renderCaseReceiptEscPos(caseReceiptInput(this.hall, opened, this.publicUrl()));
    // The job names the case, not a ticket: the kiosk printers' fallback never reprints it elsewhere.
    this.outbox.send(printer.id, 'print', { ticketId: opened.id, escpos: escpos.toString('base64') }, PRINT_TTL_MS);
  }
}
