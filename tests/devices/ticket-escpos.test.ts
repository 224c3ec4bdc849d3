import iconv from 'iconv-lite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CPL_58MM, renderTicketEscPos } from '../../devices/ticket/index.js';
import { cleanText } from '../../devices/ticket/receiptline-escape.js';
import { printedText, readEscPos } from './escpos-reader.js';
import { sampleTicket } from './ticket-fixture.js';

const squeeze = (s: string): string => s.replace(/\s+/g, '');
const FS_AMP = Buffer.from([0x1c, 0x26]);
const GS_V_FEED_CUT = Buffer.from([0x1d, 0x56, 0x42, 0x00]);

describe('renderTicketEscPos', () => {
  const input = sampleTicket();
  const job = renderTicketEscPos(input);
  const reading = readEscPos(job);
  const text = printedText(reading);

  it('prints hall, number, service, every material and the verify code', () => {
    expect(text).toContain(squeeze(input.hallName));
    expect(text).toContain('A012');
    expect(text).toContain(squeeze(input.serviceName));
    for (const material of input.materials) expect(text).toContain(squeeze(material));
    expect(text).toContain('482916');
    expect(text).toContain('扫码查看排队进度');
  });

  it('encodes Chinese in GB18030, with Chinese mode (FS &) on before it', () => {
    expect(job.includes(FS_AMP)).toBe(true);
    expect(job.includes(iconv.encode('一次性告知', 'gb18030'))).toBe(true);
    expect(job.includes(Buffer.from('一次性告知', 'utf8'))).toBe(false);
    const hallAt = job.indexOf(iconv.encode(input.hallName, 'gb18030'));
    expect(job.subarray(hallAt - 2, hallAt)).toEqual(FS_AMP);
  });

  it('prints the number at 3x width and height (GS ! 0x22)', () => {
    const at = job.indexOf(Buffer.from('A012'));
    expect(job.subarray(0, at).lastIndexOf(Buffer.from([0x1d, 0x21, 0x22]))).toBeGreaterThan(0);
  });

  it('carries the status URL in a native GS ( k QR code, model 2, and prints it', () => {
    expect(reading.qrData.map((d) => d.toString('utf8'))).toEqual([input.statusUrl]);
    const store = Buffer.concat([
      Buffer.from([0x1d, 0x28, 0x6b]),
      Buffer.from([input.statusUrl.length + 3, 0, 49, 80, 48]),
      Buffer.from(input.statusUrl),
    ]);
    expect(job.includes(store)).toBe(true);
    expect(job.includes(Buffer.from([0x1d, 0x28, 0x6b, 4, 0, 49, 65, 50, 0]))).toBe(true); // model 2
    expect(job.includes(Buffer.from([0x1d, 0x28, 0x6b, 3, 0, 49, 81, 48]))).toBe(true); // print
    expect(job.includes(Buffer.from('\x1d8L', 'binary'))).toBe(false); // no raster image
  });

  it('keeps receiptline specials in the status URL intact', () => {
    const statusUrl = 'http://h/t/a;b|c{d}\\e:f';
    expect(readEscPos(renderTicketEscPos(sampleTicket({ statusUrl }))).qrData.map(String)).toEqual([statusUrl]);
  });

  it('ends with exactly one cut', () => {
    expect(job.subarray(-4)).toEqual(GS_V_FEED_CUT);
    expect(reading.commands.filter((c) => c === 'GS V')).toHaveLength(1);
  });

  it('starts by resetting the printer (ESC @) and never asks for status', () => {
    expect(job.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));
    expect(reading.commands).not.toContain('GS r');
  });

  it('draws rules with plain dashes, not Japanese line graphics', () => {
    expect(reading.lines).toContain('-'.repeat(48));
    expect(reading.commands).not.toContain('FS C');
  });

  it('wraps within 32 characters per line on 58 mm paper', () => {
    const narrow = readEscPos(renderTicketEscPos(input, { cpl: CPL_58MM }));
    expect(narrow.lines).toContain('-'.repeat(32));
    expect(printedText(narrow)).toContain(squeeze(input.materials[3]));
    // Display width: CJK counts 2. No printed line may exceed the paper.
    const width = (s: string): number => [...s].reduce((w, c) => w + (c.codePointAt(0)! < 0x80 ? 1 : 2), 0);
    for (const line of narrow.lines) expect(width(line)).toBeLessThanOrEqual(32);
  });

  it('keeps the materials intact whatever they contain', () => {
    const field = fc.string({ unit: 'grapheme', maxLength: 60 });
    const tricky = fc.string({ unit: fc.constantFrom(...'|{}`~^\\_"-=*#:;\n\r\t 号Aa1'), maxLength: 30 });
    const anyText = fc.oneof(field, tricky, fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.array(anyText, { maxLength: 6 }),
        anyText,
        fc.constantFrom(32, 48),
        (materials, serviceName, cpl) => {
          const job2 = renderTicketEscPos(sampleTicket({ materials, serviceName }), { cpl });
          const reading2 = readEscPos(job2);
          const printed = printedText(reading2);
          for (const m of materials) expect(printed).toContain(squeeze(cleanText(m)));
          expect(printed).toContain(squeeze(cleanText(serviceName)));
          // The layout around them is still whole: number, QR, and the single cut at the end.
          expect(printed).toContain('A012');
          expect(reading2.qrData).toHaveLength(1);
          expect(job2.subarray(-4)).toEqual(GS_V_FEED_CUT);
        },
      ),
      { numRuns: 200 },
    );
  });
});
