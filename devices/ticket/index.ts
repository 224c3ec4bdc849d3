// The kiosk ticket: one receiptline layout, printed as ESC/POS and previewed as SVG.

export type { TicketPrintInput } from './ticket-input.js';
export { renderTicketDocument } from './ticket-document.js';
export { renderTicketEscPos, CPL_80MM, CPL_58MM, type TicketPrinterOptions } from './ticket-escpos.js';
export { renderTicketSvg } from './ticket-svg.js';
export { renderCaseReceiptDocument, renderCaseReceiptEscPos, type CaseReceiptInput } from './case-receipt.js';
