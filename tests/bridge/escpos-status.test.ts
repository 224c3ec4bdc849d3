import { describe, expect, it } from 'vitest';
import { dleEot, isStatusReply, parsePrinterStatus } from '../../firmware-bridge/printer/escpos-status.js';

const OK = 0x12; // fixed bits only: nothing to report

describe('DLE EOT status parsing', () => {
  it('builds the request bytes', () => {
    expect([...dleEot(1)]).toEqual([0x10, 0x04, 0x01]);
    expect([...dleEot(4)]).toEqual([0x10, 0x04, 0x04]);
  });

  it('recognises the fixed bit pattern of a reply', () => {
    expect(isStatusReply(0x12)).toBe(true);
    expect(isStatusReply(0x1e)).toBe(true);
    expect(isStatusReply(0x72)).toBe(true);
    expect(isStatusReply(0x00)).toBe(false);
    expect(isStatusReply(0xff)).toBe(false);
    expect(isStatusReply(0x13)).toBe(false);
  });

  it('reads a healthy printer', () => {
    expect(parsePrinterStatus({ printer: OK, offline: OK, error: OK, paper: OK })).toEqual({
      paper: 'ok',
      cover: 'closed',
      error: null,
    });
  });

  it('reads cover open from n=2 bit 2', () => {
    expect(parsePrinterStatus({ printer: 0x1a, offline: 0x16, error: OK, paper: OK })).toEqual({
      paper: 'ok',
      cover: 'open',
      error: null,
    });
  });

  it('reads paper near end from n=4 bits 2-3', () => {
    expect(parsePrinterStatus({ printer: OK, offline: OK, error: OK, paper: 0x1e }).paper).toBe('low');
    expect(parsePrinterStatus({ printer: OK, offline: OK, error: OK, paper: 0x16 }).paper).toBe('low');
  });

  it('reads paper end from n=4 bits 5-6 or n=2 bit 5, over near end', () => {
    expect(parsePrinterStatus({ printer: 0x1a, offline: OK, error: OK, paper: 0x72 }).paper).toBe('out');
    expect(parsePrinterStatus({ printer: 0x1a, offline: OK, error: OK, paper: 0x7e }).paper).toBe('out');
    expect(parsePrinterStatus({ printer: 0x1a, offline: 0x32, error: OK, paper: OK }).paper).toBe('out');
  });

  it('names error causes from n=3', () => {
    expect(parsePrinterStatus({ printer: 0x1a, offline: 0x52, error: 0x1a, paper: OK }).error).toBe('cutter');
    expect(parsePrinterStatus({ printer: 0x1a, offline: 0x52, error: 0x32, paper: OK }).error).toBe('unrecoverable');
    expect(parsePrinterStatus({ printer: 0x1a, offline: 0x52, error: 0x52, paper: OK }).error).toBe('auto-recoverable');
    expect(parsePrinterStatus({ printer: 0x1a, offline: 0x52, error: OK, paper: OK }).error).toBe('error');
  });

  it('is offline without a printer reply and keeps what it knew of paper and cover', () => {
    expect(parsePrinterStatus({ printer: null })).toEqual({ paper: 'ok', cover: 'closed', error: 'offline' });
    expect(parsePrinterStatus({}, { paper: 'low', cover: 'open', error: null })).toEqual({
      paper: 'low',
      cover: 'open',
      error: 'offline',
    });
  });

  it('rejects replies that break the fixed bits', () => {
    expect(
      parsePrinterStatus(
        { printer: OK, offline: 0xff, error: OK, paper: OK },
        { paper: 'out', cover: 'closed', error: null },
      ),
    ).toEqual({
      paper: 'out',
      cover: 'closed',
      error: 'bad-reply',
    });
  });
});
