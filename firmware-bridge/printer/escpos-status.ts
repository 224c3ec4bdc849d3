// Pure ESC/POS real-time status (DLE EOT n) requests and reply parsing → the printer's `evt/status` body.
import type { CoverState, PaperState } from '../../devices/protocol/mqtt-topics.js';

/** DLE EOT n: 1 printer, 2 offline cause, 3 error cause, 4 roll paper sensor. */
export type StatusQuery = 1 | 2 | 3 | 4;

/** The three request bytes `10 04 n`. */
export function dleEot(n: StatusQuery): Buffer {
  return Buffer.from([0x10, 0x04, n]);
}

/** Every status reply has bits 1 and 4 set and bits 0 and 7 clear (`0xx1xx10`). */
export function isStatusReply(byte: number): boolean {
  return Number.isInteger(byte) && byte >= 0 && byte <= 0xff && (byte & 0x93) === 0x12;
}

/** One reply byte per query; null (or absent) = no reply within the timeout. */
export interface StatusReplies {
  printer?: number | null;
  offline?: number | null;
  error?: number | null;
  paper?: number | null;
}

export interface PrinterStatus {
  paper: PaperState;
  cover: CoverState;
  /** null = fine; `offline` (no reply), `bad-reply`, `cutter`, `unrecoverable`, `auto-recoverable`, `error`. */
  error: string | null;
}

const bit = (byte: number, n: number) => (byte & (1 << n)) !== 0;

/**
 * Turns DLE EOT replies into a status. Without a printer reply the printer is `offline` and paper/cover keep their
 * previous values (they are unknown, not changed).
 * @example parsePrinterStatus({ printer: 0x12, offline: 0x16, error: 0x12, paper: 0x12 }) // { paper: 'ok', cover: 'open', error: null }
 */
export function parsePrinterStatus(replies: StatusReplies, previous?: PrinterStatus): PrinterStatus {
  const kept = { paper: previous?.paper ?? 'ok', cover: previous?.cover ?? 'closed' } as const;
  const { printer, offline, error, paper } = replies;
  if (printer == null) return { ...kept, error: 'offline' };
  const present = [printer, offline, error, paper].filter((b): b is number => b != null);
  if (!present.every(isStatusReply)) return { ...kept, error: 'bad-reply' };

  const coverOpen = offline != null && bit(offline, 2);
  const paperEndStop = offline != null && bit(offline, 5);
  const rollEnd = paper != null && (bit(paper, 5) || bit(paper, 6));
  const rollNearEnd = paper != null && (bit(paper, 2) || bit(paper, 3));

  let fault: string | null = null;
  if (error != null && bit(error, 3)) fault = 'cutter';
  else if (error != null && bit(error, 5)) fault = 'unrecoverable';
  else if (error != null && bit(error, 6)) fault = 'auto-recoverable';
  else if (offline != null && bit(offline, 6)) fault = 'error';

  return {
    paper: rollEnd || paperEndStop ? 'out' : rollNearEnd ? 'low' : 'ok',
    cover: coverOpen ? 'open' : 'closed',
    error: fault,
  };
}

/** True when two statuses would publish the same `evt/status`. */
export function sameStatus(a: PrinterStatus | undefined, b: PrinterStatus): boolean {
  return !!a && a.paper === b.paper && a.cover === b.cover && a.error === b.error;
}
