// Test helper: reads an ESC/POS job back into printed text lines, QR payloads and command names.

import iconv from 'iconv-lite';

export interface EscPosReading {
  /** Printed text, one entry per LF, decoded from GB18030. */
  lines: string[];
  /** Data stored in each GS ( k QR symbol. */
  qrData: Buffer[];
  /** Command names in order, e.g. 'FS &', 'GS V'. */
  commands: string[];
}

const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;
const LF = 0x0a;

// Fixed argument counts of the commands receiptline (and we) emit.
const ESC_ARGS: Record<string, number> = {
  '@': 0,
  '2': 0,
  M: 1,
  a: 1,
  t: 1,
  '-': 1,
  E: 1,
  '{': 1,
  '3': 1,
  R: 1,
  ' ': 1,
  d: 1,
  '!': 1,
  $: 2,
  '\\': 2,
};
const FS_ARGS: Record<string, number> = { '&': 0, '.': 0, '-': 1, C: 1, '!': 1, S: 2 };
const GS_ARGS: Record<string, number> = { a: 1, '!': 1, B: 1, r: 1, w: 1, h: 1, H: 1, L: 2, W: 2 };

export function readEscPos(job: Buffer): EscPosReading {
  const lines: string[] = [];
  const qrData: Buffer[] = [];
  const commands: string[] = [];
  let text: number[] = [];
  let i = 0;
  const flushLine = (): void => {
    lines.push(iconv.decode(Buffer.from(text), 'gb18030'));
    text = [];
  };
  while (i < job.length) {
    const b = job[i];
    if (b === LF) {
      flushLine();
      i += 1;
    } else if (b === ESC || b === FS || b === GS) {
      const prefix = b === ESC ? 'ESC' : b === FS ? 'FS' : 'GS';
      const op = String.fromCharCode(job[i + 1]);
      const name = `${prefix} ${op}`;
      i += 2;
      if (prefix === 'GS' && op === '(') {
        // GS ( k / GS ( L: pL pH then that many bytes
        const kind = String.fromCharCode(job[i]);
        const size = job[i + 1] + job[i + 2] * 256;
        const body = job.subarray(i + 3, i + 3 + size);
        commands.push(`GS ( ${kind}`);
        if (kind === 'k' && body[0] === 49 && body[1] === 80) qrData.push(Buffer.from(body.subarray(3)));
        i += 3 + size;
        continue;
      }
      if (prefix === 'FS' && op === '(') {
        const size = job[i + 1] + job[i + 2] * 256;
        commands.push(`FS ( ${String.fromCharCode(job[i])}`);
        i += 3 + size;
        continue;
      }
      if (prefix === 'GS' && op === 'V') {
        const m = job[i];
        commands.push(name);
        i += m === 65 || m === 66 ? 2 : 1;
        continue;
      }
      const table = prefix === 'ESC' ? ESC_ARGS : prefix === 'FS' ? FS_ARGS : GS_ARGS;
      const args = table[op];
      if (args === undefined) throw new Error(`unknown command ${name} at byte ${i - 2}`);
      commands.push(name);
      i += args;
    } else {
      text.push(b);
      i += 1;
    }
  }
  if (text.length > 0) flushLine();
  return { lines, qrData, commands };
}

/** All printed text with white space removed, for "does this survive" checks across wraps. */
export function printedText(reading: EscPosReading): string {
  return reading.lines.join('').replace(/\s+/g, '');
}
