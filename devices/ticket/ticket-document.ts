// The kiosk ticket laid out once, as a receiptline document, for both the printer and the preview.

import { escapeProperty, escapeText } from './receiptline-escape.js';
import { formatLocalTime } from './local-time.js';
import type { TicketPrintInput } from './ticket-input.js';

/** Receiptline markup of the ticket; paper width is chosen later, at render time. */
export function renderTicketDocument(input: TicketPrintInput): string {
  const lines: string[] = [
    ...header(input),
    '',
    ...place(input),
    '---',
    ...materials(input),
    ...verification(input),
    '---',
    // Centred and not escaped: these are our own words, with no special characters.
    '请留意叫号',
    '过号请到取号机重新报到',
    '=', // paper cut; nothing after it, so the job ends with the cut
  ];
  return lines.join('\n');
}

function header(input: TicketPrintInput): string[] {
  const lines = [`"${escapeText(input.hallName)}"`];
  if (input.hallNameEn) lines.push(escapeText(input.hallNameEn));
  return lines;
}

/** Service, the number in large type, and where the holder stands. */
function place(input: TicketPrintInput): string[] {
  const lines = [`"${escapeText(input.serviceName)}"`];
  if (input.serviceNameEn) lines.push(escapeText(input.serviceNameEn));
  // '^^^^' is 3x width and height: the number must be readable at arm's length.
  lines.push(`^^^^${escapeText(input.number)}`);
  if (input.priorityLabel) lines.push(`\`${escapeText(input.priorityLabel)}\``);
  if (input.late) lines.push('预约签到已超时，按普通号排队');
  lines.push(
    `前面还有 ${wholeNumber(input.ahead)} 人`,
    `预计等候约 ${wholeNumber(input.etaMinutes)} 分钟`,
    `取号时间 ${escapeText(formatLocalTime(input.issuedAt, input.timezone))}`,
  );
  return lines;
}

/** 一次性告知: every required material, listed once, left-aligned. */
function materials(input: TicketPrintInput): string[] {
  const items = input.materials.map(escapeText).filter((m) => m.length > 0);
  const lines: string[] = [];
  if (items.length > 0) {
    lines.push('|"请备齐以下材料（一次性告知）"');
    // Two columns, so a long material wraps under its own text, not under the number.
    const numberWidth = String(items.length).length + 1;
    lines.push(`{width:${numberWidth} *}`);
    items.forEach((item, i) => lines.push(`${i + 1}. |${item}`));
    lines.push('{width:auto}');
  }
  const days = input.deadlineWorkdays;
  if (days !== undefined && Number.isFinite(days) && days > 0) {
    lines.push(`|承诺办结时限：${wholeNumber(days)} 个工作日`);
  }
  if (lines.length > 0) lines.push('---');
  return lines;
}

/** Verify code and the QR code to the phone status page. */
function verification(input: TicketPrintInput): string[] {
  const lines = [`核验码 ^${escapeText(input.verifyCode)}`];
  const url = escapeProperty(input.statusUrl);
  if (url.length > 0) {
    // Cell 5 dots, level m: about 20 mm wide for a status URL, fits 58 mm paper.
    lines.push(`{code:${url}; option:qrcode,5,m}`, '扫码查看排队进度');
  }
  return lines;
}

function wholeNumber(n: number): string {
  return Number.isFinite(n) ? String(Math.max(0, Math.round(n))) : '?';
}
