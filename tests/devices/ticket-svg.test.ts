import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CPL_58MM, renderTicketSvg } from '../../devices/ticket/index.js';
import { cleanText } from '../../devices/ticket/receiptline-escape.js';
import { sampleTicket } from './ticket-fixture.js';

/** The visible text of the SVG: receiptline writes one <tspan> per character. */
const visibleText = (svg: string): string =>
  svg
    .replace(/<[^>]*>/g, '')
    .replace(/&#xa0;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, '');

describe('renderTicketSvg', () => {
  const input = sampleTicket();
  const svg = renderTicketSvg(input);

  it('is one svg element, in Simplified Chinese', () => {
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('lang="zh-Hans"');
    expect(svg).toContain('width="576px"');
  });

  it('shows the same ticket as the printer', () => {
    const text = visibleText(svg);
    expect(text).toContain('A012');
    expect(text).toContain(input.hallName);
    for (const m of input.materials) expect(text).toContain(m.replace(/\s+/g, ''));
    expect(text).toContain('扫码查看排队进度');
    expect(svg).toContain('<path d="M'); // the QR code
  });

  it('is a pure function of the ticket', () => {
    expect(renderTicketSvg(input)).toBe(svg);
    expect(renderTicketSvg(sampleTicket({ number: 'A013' }))).not.toBe(svg);
  });

  it('narrows to 58 mm', () => {
    expect(renderTicketSvg(input, { cpl: CPL_58MM })).toContain('width="384px"');
  });

  it('stays well-formed with any text (tags balance, no raw < or &)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 4 }), (materials) => {
        const out = renderTicketSvg(sampleTicket({ materials }));
        const text = visibleText(out);
        for (const m of materials) expect(text).toContain(cleanText(m).replace(/\s+/g, ''));
        const body = out.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
        expect(body.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!(amp|lt|gt|#xa0);)/);
        const opens = (body.match(/<(?!\/)[a-zA-Z][^>]*[^/]>/g) ?? []).length;
        const closes = (body.match(/<\/[a-zA-Z]+>/g) ?? []).length;
        expect(opens).toBe(closes);
      }),
      { numRuns: 100 },
    );
  });
});
