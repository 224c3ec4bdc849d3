/**
 * The structured log: debug and info lines of one turn go out in one write (a system call per line was a tenth of a
 * command's CPU at `info`), in order, unchanged, masked; warnings and errors at once, after what was held.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from '../../server/log.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => (err.push(String(chunk)), true));
  return { out, err };
}

afterEach(() => {
  log.flush();
  vi.restoreAllMocks();
  log.setLevel('silent');
});

describe('log lines', () => {
  it('writes the info lines of one turn in one write, at the end of the turn, in order', async () => {
    log.setLevel('info');
    const { out } = capture();
    log.info('request', { method: 'POST', path: '/api/v1/tickets', status: 201 });
    log.info('command', { events: ['ticket.issued'], seq: 7 });
    log.debug('not at info');
    expect(out).toEqual([]);
    await nextTurn();
    expect(out).toHaveLength(1);
    const lines = out[0]
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual(['request', 'command']);
    expect(lines[0]).toMatchObject({ level: 'info', method: 'POST', path: '/api/v1/tickets', status: 201 });
    expect(lines[1]).toMatchObject({ events: ['ticket.issued'], seq: 7 });
  });

  it('still masks personal data', async () => {
    log.setLevel('info');
    const { out } = capture();
    log.info('note 110101199003077777 13812345678', { idNumber: 'x', phone: '13812345678', at: '13812345678' });
    await nextTurn();
    const line = JSON.parse(out[0]);
    expect(line).toMatchObject({ msg: 'note [id] [phone]', idNumber: '[redacted]', phone: '[redacted]' });
    // A field that is only the number, at the shortest length masked.
    expect(line.at).toBe('[phone]');
  });

  it('writes a warning at once, after the info lines held before it', () => {
    log.setLevel('info');
    const { out, err } = capture();
    log.info('before');
    log.warn('trouble');
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]).msg).toBe('before');
    expect(err).toHaveLength(1);
    expect(JSON.parse(err[0]).msg).toBe('trouble');
  });

  it('holds a bounded amount: a burst larger than that is written without waiting for the turn to end', () => {
    log.setLevel('info');
    const { out } = capture();
    for (let i = 0; i < 2000; i++) log.info('burst', { i, pad: 'x'.repeat(40) });
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((chunk) => chunk.length <= 64 * 1024 + 200)).toBe(true);
  });
});
