// The kiosk ticket as ESC/POS bytes for the hall's Chinese thermal printers.

import { transform } from 'receiptline';
import { hallEscPos } from './escpos-commands.js';
import { renderTicketDocument } from './ticket-document.js';
import type { TicketPrintInput } from './ticket-input.js';

/** Characters per line: 48 on 80 mm paper, 32 on 58 mm paper. */
export const CPL_80MM = 48;
export const CPL_58MM = 32;

export interface TicketPrinterOptions {
  /** Characters per line; CPL_80MM (default) or CPL_58MM. */
  cpl?: number;
}

/** ESC/POS job: GB18030 text in Chinese mode (FS &), native QR (GS ( k), cut (GS V) last. */
export function renderTicketEscPos(input: TicketPrintInput, options: TicketPrinterOptions = {}): Buffer {
  return receiptlineToEscPos(renderTicketDocument(input), options);
}

/** Any receiptline document of the hall's (ticket, receipt) as ESC/POS bytes for its printers. */
export function receiptlineToEscPos(document: string, options: TicketPrinterOptions = {}): Buffer {
  const commands = transform(document, {
    command: hallEscPos,
    encoding: 'gb18030',
    cpl: options.cpl ?? CPL_80MM,
    // The document ends with its own cut ('='); a second one from close() would waste paper.
    cutting: false,
  });
  // receiptline returns one char per byte ('binary' string).
  return Buffer.from(commands, 'binary');
}
