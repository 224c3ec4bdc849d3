/**
 * The log's output: one write at a time off the event loop, in order across stdout and stderr; while a write is
 * under way (a journal that fell behind) info text waits up to a bound, past it is dropped and counted; warnings are
 * never dropped; short writes and EAGAIN are carried on.
 */
import { describe, expect, it } from 'vitest';
import { LogOutput, type WriteFn } from '../../server/log-output.js';

/** A writer whose writes finish only when the test says so. */
function heldWriter() {
  const writes: Array<{ fd: number; text: string; done: (err: NodeJS.ErrnoException | null, n: number) => void }> = [];
  const fn: WriteFn = (fd, bytes, done) => writes.push({ fd, text: bytes.toString('utf8'), done: done as never });
  const finishNext = () => {
    const w = writes.find((x) => !('finished' in x))!;
    Object.assign(w, { finished: true });
    w.done(null, Buffer.byteLength(w.text));
  };
  return { writes, fn, finishNext };
}

const dropLine = (n: number) => `dropped ${n}\n`;

describe('LogOutput', () => {
  it('starts one write and queues the rest, in order across stdout and stderr', () => {
    const w = heldWriter();
    const out = new LogOutput(dropLine, w.fn);
    out.send(1, 'a\n');
    out.send(1, 'b\n');
    out.send(2, 'warn\n');
    out.send(1, 'c\n');
    expect(w.writes.map((x) => x.text)).toEqual(['a\n']);
    w.finishNext();
    expect(w.writes.map((x) => [x.fd, x.text])).toEqual([
      [1, 'a\n'],
      [1, 'b\n'],
    ]);
    w.finishNext();
    w.finishNext();
    expect(w.writes.map((x) => [x.fd, x.text])).toEqual([
      [1, 'a\n'],
      [1, 'b\n'],
      [2, 'warn\n'],
      [1, 'c\n'],
    ]);
  });

  it('keeps a bounded amount of info while a write is stuck, drops and counts the rest, never a warning', () => {
    const w = heldWriter();
    const out = new LogOutput(dropLine, w.fn, 100);
    out.send(1, 'first\n');
    const line = 'x'.repeat(39) + '\n';
    for (let i = 0; i < 10; i++) out.send(1, line);
    out.send(2, 'warning\n');
    expect(out.droppedLines).toBe(8);
    w.finishNext();
    // Two lines fit the bound; the warning and the count of what was dropped follow them.
    expect(w.writes[1].text).toBe(line + line);
    w.finishNext();
    expect(w.writes[2]).toMatchObject({ fd: 2, text: 'warning\n' + dropLine(8) });
    expect(out.droppedLines).toBe(0);
  });

  it('writes the rest of a short write, and tries again after EAGAIN', async () => {
    const seen: string[] = [];
    let calls = 0;
    const fn: WriteFn = (_fd, bytes, done) => {
      calls++;
      if (calls === 1) return done(null, 3); // a short write
      if (calls === 2) return done(Object.assign(new Error('again'), { code: 'EAGAIN' }), 0);
      seen.push(bytes.toString('utf8'));
      done(null, bytes.length);
    };
    const out = new LogOutput(dropLine, fn);
    out.send(1, 'abcdef\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['def\n']);
  });
});
