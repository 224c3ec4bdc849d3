import { describe, expect, it } from 'vitest';
import { renderTicketDocument } from '../../devices/ticket/index.js';
import { cleanText, escapeProperty, escapeText } from '../../devices/ticket/receiptline-escape.js';
import { formatLocalTime } from '../../devices/ticket/local-time.js';
import { sampleTicket } from './ticket-fixture.js';

describe('renderTicketDocument', () => {
  const doc = renderTicketDocument(sampleTicket());
  const lines = doc.split('\n');

  it('prints the number in large type', () => {
    expect(lines).toContain('^^^^A012');
  });

  it('says where the holder stands, in hall local time', () => {
    expect(doc).toContain('前面还有 7 人');
    expect(doc).toContain('预计等候约 35 分钟');
    expect(doc).toContain('取号时间 2025\\-03\\-03 09:05');
  });

  it('lists every material under the one-time notice heading', () => {
    const heading = lines.indexOf('|"请备齐以下材料（一次性告知）"');
    expect(heading).toBeGreaterThan(0);
    // Number and text in two columns, so wrapped text hangs under the text.
    expect(lines.slice(heading + 1, heading + 3)).toEqual(['{width:2 *}', '1. |不动产登记申请书']);
    expect(lines.slice(heading + 6, heading + 8)).toEqual(['5. |完税凭证', '{width:auto}']);
    expect(doc).toContain('承诺办结时限：3 个工作日');
  });

  it('has the verify code, the QR code with its caption, and ends with the cut', () => {
    expect(doc).toContain('核验码 ^482916');
    expect(doc).toMatch(/^\{code:http:\/\/192\.168\.1\.10:8080\/t\/8f3a2c7e.*; option:qrcode,5,m\}$/m);
    expect(doc).toContain('扫码查看排队进度');
    expect(doc).toContain('过号请到取号机重新报到');
    expect(lines.at(-1)).toBe('=');
  });

  it('widens the number column for ten or more materials', () => {
    const many = renderTicketDocument(sampleTicket({ materials: Array.from({ length: 10 }, (_, i) => `材料${i}`) }));
    expect(many).toContain('{width:3 *}\n1. |材料0');
    expect(many).toContain('10. |材料9');
  });

  it('leaves out what does not apply', () => {
    const bare = renderTicketDocument(
      sampleTicket({ materials: [], deadlineWorkdays: undefined, hallNameEn: undefined, serviceNameEn: undefined }),
    );
    expect(bare).not.toContain('一次性告知');
    expect(bare).not.toContain('承诺办结时限');
    expect(bare).not.toContain('Yunfu');
  });

  it('marks priority and late tickets', () => {
    const doc2 = renderTicketDocument(sampleTicket({ priorityLabel: '预约', late: true }));
    expect(doc2).toContain('`预约`');
    expect(doc2).toContain('预约签到已超时，按普通号排队');
  });
});

describe('escaping', () => {
  it('escapes every receiptline special character in text', () => {
    expect(escapeText('a|b{c}d~e^f_g"h`i\\j-k=l')).toBe('a\\|b\\{c\\}d\\~e\\^f\\_g\\"h\\`i\\\\j\\-k\\=l');
  });

  it('folds line breaks and control characters so one field stays one line', () => {
    expect(cleanText('  a\r\nb\tc\u0000d  ')).toBe('a b c d');
  });

  it('replaces lone surrogates, keeps pairs', () => {
    expect(cleanText('x\uD800y😀')).toBe('x?y😀');
  });

  it('escapes property values but leaves ":" alone', () => {
    expect(escapeProperty('http://h/t/a;b|c')).toBe('http://h/t/a\\;b\\|c');
  });
});

describe('formatLocalTime', () => {
  it('prints hall wall-clock time', () => {
    expect(formatLocalTime('2025-12-31T16:30:00Z', 'Asia/Shanghai')).toBe('2026-01-01 00:30');
    expect(formatLocalTime('2025-07-01T08:00:00Z', 'Europe/London')).toBe('2025-07-01 09:00');
  });

  it('refuses a bad instant', () => {
    expect(() => formatLocalTime('yesterday', 'Asia/Shanghai')).toThrow(RangeError);
  });
});
