// The kiosk ticket as an SVG preview, from the same document the printer gets.

import { commands, transform, type BaseCommand, type Printer } from 'receiptline';
import { CPL_80MM, type TicketPrinterOptions } from './ticket-escpos.js';
import { renderTicketDocument } from './ticket-document.js';
import type { TicketPrintInput } from './ticket-input.js';

/** FNV-1a, enough to give each ticket's SVG its own stable id. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * receiptline's SVG set names its filter with a random UUID; a stable id keeps the output
 * a pure function of the ticket (same ticket, same SVG), while two tickets on one page differ.
 */
function stableSvg(id: string): BaseCommand {
  const svg = commands.svg;
  return Object.assign({}, svg, {
    open(this: BaseCommand, printer: Printer): string {
      const out = svg.open.call(this, printer);
      this.receiptId = `hallq-ticket-${id}`;
      return out;
    },
  });
}

/** SVG of the ticket at the given paper width (default 80 mm). */
export function renderTicketSvg(input: TicketPrintInput, options: TicketPrinterOptions = {}): string {
  const doc = renderTicketDocument(input);
  return transform(doc, {
    command: stableSvg(shortHash(doc)),
    encoding: 'gb18030', // measures CJK as double width, as the printer does, and tags lang zh-Hans
    cpl: options.cpl ?? CPL_80MM,
  });
}
