// The acceptance receipt (受理回执) printed at the counter when a case is opened: its number and due date.

import { escapeProperty, escapeText } from './receiptline-escape.js';
import { receiptlineToEscPos, type TicketPrinterOptions } from './ticket-escpos.js';

export interface CaseReceiptInput {
  hallName: string;
  serviceName: string;
  /** The ticket served, e.g. 'A012'. */
  ticketNumber: string;
  /** The public case number, e.g. 'A-20261127-4821937465'. */
  caseNumber: string;
  counterName: string;
  /** YYYY-MM-DD in the hall's zone. */
  acceptedOn: string;
  dueOn: string;
  deadlineWorkdays: number;
  /** Target of the QR code: the public look-up of this case. */
  lookupUrl: string;
}

/** Receiptline markup of the receipt; paper width is chosen at render time. Holds no personal data. */
export function renderCaseReceiptDocument(input: CaseReceiptInput): string {
  const lines = [
    `"${escapeText(input.hallName)}"`,
    '"受理回执"',
    '---',
    `|业务 ${escapeText(input.serviceName)}`,
    `|窗口 ${escapeText(input.counterName)}  号码 ${escapeText(input.ticketNumber)}`,
    `|受理日期 ${escapeText(input.acceptedOn)}`,
    `|承诺办结时限 ${Math.max(0, Math.round(input.deadlineWorkdays))} 个工作日`,
    `|"办结期限 ${escapeText(input.dueOn)}"`,
    '---',
    '办件编号',
    `"${escapeText(input.caseNumber)}"`,
  ];
  const url = escapeProperty(input.lookupUrl);
  if (url.length > 0) lines.push(`{code:${url}; option:qrcode,5,m}`);
  lines.push('凭办件编号在取号机或手机查询办理进度', '=');
  return lines.join('\n');
}

/** ESC/POS job for the counter's printer, like the kiosk ticket. */
export function renderCaseReceiptEscPos(input: CaseReceiptInput, options: TicketPrinterOptions = {}): Buffer {
  return receiptlineToEscPos(renderCaseReceiptDocument(input), options);
}
