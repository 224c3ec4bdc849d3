/**
 * The structured log: debug and info lines of one turn go out in one write (a system call per line was a tenth of a
 * command's CPU at `info`), in order, unchanged, masked; warnings and errors at once, after what was held. An output
 * that does not keep up (a stalled journal) holds at most a bound: past it lines are dropped and counted.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from '../../server/log.js';
import { inMemoryApp } from '../helpers/in-memory-app.js';

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

  it('masks the numbers a visitor types into a path, grouped, full-width or with +86', async () => {
    log.setLevel('info');
    const { out } = capture();
    const paths = [
      '/api/v1/cases/110101 19900307 4514',
      '/api/v1/cases/139-1234-5678',
      '/api/v1/cases/%2B8613912345678',
      '/api/v1/cases/110101900307451',
      '/api/v1/cases/A110101199003074514',
      '/api/v1/cases/１３９１２３４５６７８',
    ];
    for (const path of paths) log.info('request', { path });
    await nextTurn();
    const logged = out
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).path as string);
    expect(logged).toEqual([
      '/api/v1/cases/[id]',
      '/api/v1/cases/[phone]',
      '/api/v1/cases/%2B[phone]',
      '/api/v1/cases/[id]',
      '/api/v1/cases/A[id]',
      '/api/v1/cases/[phone]',
    ]);
  });

  it('logs the public case look-up by its route, never what the visitor typed into its path', async () => {
    const m = inMemoryApp();
    try {
      log.setLevel('info');
      const { out } = capture();
      for (const typed of ['110101%2019900307%204514', '139%2C1234%2C5678', '139+1234+5678', 'CS20261202-0001'])
        await m.api('GET', `/api/v1/cases/${typed}`);
      await nextTurn();
      const paths = out
        .join('')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'request')
        .map((l) => l.path);
      expect(paths).toEqual(Array(4).fill('/api/v1/cases/:number'));
    } finally {
      m.close();
    }
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

  it('drops and counts what an output that does not keep up would queue past its bound, then says so', async () => {
    log.setLevel('info');
    // A reader that has stopped: nothing written completes until it is let go, as with a full pipe.
    const pending: Array<() => void> = [];
    const taken: string[] = [];
    const stalled = () =>
      new Writable({
        decodeStrings: false,
        write(chunk, _encoding, done) {
          taken.push(String(chunk));
          pending.push(done);
        },
      });
    const info = stalled();
    const warn = stalled();
    const restore = log.redirect(info, warn);
    try {
      const total = 20_000; // ~100 bytes each: 2 MB, twice the bound
      for (let i = 0; i < total; i++) {
        log.info('request', { i, path: '/api/v1/tickets' });
        if (i % 50 === 49) await nextTurn(); // turns of 50 lines, as a busy hall writes them
      }
      await nextTurn();
      expect(info.writableLength).toBeGreaterThan(1024 * 1024 - 8 * 1024);
      expect(info.writableLength).toBeLessThanOrEqual(1024 * 1024 + 8 * 1024);
      // The reader comes back: everything queued goes, then one warning with the count of what did not.
      while (pending.length > 0) pending.shift()!();
      await nextTurn();
      while (pending.length > 0) pending.shift()!();
      const lines = taken
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      const queued = lines.filter((l) => l.level === 'info').length;
      expect(queued).toBeLessThan(total * 0.6);
      const warnings = lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ msg: 'log lines dropped: the log output did not keep up' });
      expect(queued + warnings[0].lines).toBe(total);
      // And it writes again.
      log.info('after');
      await nextTurn();
      expect(taken.at(-1)).toContain('"msg":"after"');
    } finally {
      restore();
    }
  });
});
