// Receiptline's ESC/POS command set, adjusted for the Chinese kiosk printers of the hall.

import { commands, type BaseCommand, type QRCode } from 'receiptline';

const GS = '\x1d';
const FS = '\x1c';
const ESC = '\x1b';
const bytes = (...values: number[]): string => String.fromCharCode(...values);

// ESC/POS QR function numbers (GS ( k, cn = 49) and error levels 'L'..'H' = 48..51.
const QR_LEVEL: Record<QRCode['level'], number> = { l: 48, m: 49, q: 50, h: 51 };
// No model 2 QR code holds more bytes; a longer store length would also overflow pL pH.
const QR_MAX_BYTES = 2953;

/** GS ( k: the printer builds the QR itself, so it stays sharp and the data is inspectable. */
function nativeQrCode(symbol: QRCode): string {
  // URLs go in as UTF-8, which phone scanners assume; ASCII URLs are the same in every encoding.
  const data = Buffer.from(symbol.data, 'utf8').subarray(0, QR_MAX_BYTES).toString('binary');
  if (data.length === 0) return '';
  const store = data.length + 3;
  return (
    GS +
    '(k' +
    bytes(4, 0, 49, 65, 50, 0) + // model 2
    GS +
    '(k' +
    bytes(3, 0, 49, 67, symbol.cell) + // module size in dots
    GS +
    '(k' +
    bytes(3, 0, 49, 69, QR_LEVEL[symbol.level]) + // error correction
    GS +
    '(k' +
    bytes(store & 0xff, store >> 8, 49, 80, 48) +
    data + // store the data
    GS +
    '(k' +
    bytes(3, 0, 49, 81, 48) + // print it
    '\n' // some clones stay on the QR's line; with ESC 3 0 in force this feeds nothing extra
  );
}

/**
 * The 'escpos' command set with three changes:
 * - qrcode: receiptline 4 rasterises QR codes (GS 8 L); we send the native GS ( k instead.
 * - hr: receiptline draws rules with Epson's Japanese line-graphics page (FS C, ESC t 1, 0x95),
 *   which Chinese printers print as junk; plain '-' prints everywhere.
 * - close: drop the trailing GS r 1 status request so the job ends with the cut, and no
 *   unsolicited status byte comes back over a one-way bridge link.
 * Text is untouched: for 'gb18030' receiptline already sends ESC t 0 + FS & (Chinese mode on)
 * before each run of text and encodes it with iconv-lite's GB18030.
 */
export const hallEscPos: BaseCommand = Object.assign({}, commands.escpos, {
  qrcode(this: BaseCommand, symbol: QRCode): string {
    return nativeQrCode(symbol);
  },
  hr(width: number): string {
    return FS + '.' + ESC + 't' + bytes(0) + '-'.repeat(width);
  },
  close(this: BaseCommand): string {
    return this.cutting ? this.cut() : '';
  },
});
