// Fits text to an LED line: 32 half-width cells, a Chinese character taking two.

/** Cells per LED line: 16 Chinese characters or 32 ASCII. */
export const LED_LINE_CELLS = 32;

/** Made on first need: loading ICU's break rules costs tens of ms at start, and most text fits. */
let graphemes: Intl.Segmenter | undefined;

/** Cells a piece of text takes: ASCII one, everything else two (boards draw it double-width). */
export function cellWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return width;
}

/**
 * The text on one line of at most `cells` cells, cut with '…' when too long.
 * Cuts between graphemes, so no surrogate pair or combined character is split.
 */
export function fitLine(text: string, cells: number = LED_LINE_CELLS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (cellWidth(flat) <= cells) return flat;
  const ellipsis = '…';
  if (cells < cellWidth(ellipsis)) return '';
  let out = '';
  for (const { segment } of (graphemes ??= new Intl.Segmenter('zh', { granularity: 'grapheme' })).segment(flat)) {
    if (cellWidth(out + segment) + cellWidth(ellipsis) > cells) break;
    out += segment;
  }
  return out.trimEnd() + ellipsis;
}
