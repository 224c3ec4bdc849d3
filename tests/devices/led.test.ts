import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellWidth, counterBoardFrame, fitLine, hallBoardFrame, LED_LINE_CELLS } from '../../devices/led/index.js';

describe('counterBoardFrame', () => {
  it('flashes a fresh call', () => {
    expect(
      counterBoardFrame({ counterName: '3号窗口', number: 'A012', status: 'open', ticketStatus: 'called' }),
    ).toEqual({
      lines: ['3号窗口', '请 A012 号'],
      blink: true,
    });
    // A number without a ticket state is a call.
    expect(counterBoardFrame({ counterName: '3号窗口', number: 'A012', status: 'open' }).blink).toBe(true);
  });

  it('shows the ticket being served, steadily', () => {
    expect(
      counterBoardFrame({ counterName: '3号窗口', number: 'A012', status: 'open', ticketStatus: 'serving' }),
    ).toEqual({
      lines: ['3号窗口', 'A012 办理中'],
    });
  });

  it('reads the call state from status too, as state/counters publishes it', () => {
    expect(counterBoardFrame({ counterName: '3号窗口', number: 'A012', status: 'called' })).toEqual({
      lines: ['3号窗口', '请 A012 号'],
      blink: true,
    });
    expect(counterBoardFrame({ counterName: '3号窗口', number: 'A012', status: 'serving' })).toEqual({
      lines: ['3号窗口', 'A012 办理中'],
    });
  });

  it('says why a counter is paused, and where to go when it is closed', () => {
    expect(
      counterBoardFrame({ counterName: '3号窗口', number: null, status: 'paused', pauseReason: '系统维护' }).lines,
    ).toEqual(['3号窗口', '暂停服务', '系统维护']);
    expect(counterBoardFrame({ counterName: '3号窗口', number: null, status: 'paused' }).lines).toEqual([
      '3号窗口',
      '暂停服务',
    ]);
    expect(counterBoardFrame({ counterName: '3号窗口', number: 'A012', status: 'closed' }).lines).toEqual([
      '3号窗口',
      '暂停办理',
      '请到其他窗口办理',
    ]);
  });

  it('welcomes, or shows the counter tag, while waiting', () => {
    expect(counterBoardFrame({ counterName: '2号窗口', number: null, status: 'open' }).lines).toEqual([
      '2号窗口',
      '欢迎办理',
    ]);
    expect(
      counterBoardFrame({ counterName: '1号窗口', number: null, status: 'open', tags: ['党员先锋岗'] }).lines,
    ).toEqual(['1号窗口', '党员先锋岗']);
  });

  it('keeps a long pause reason on one line', () => {
    const { lines } = counterBoardFrame({
      counterName: '3号窗口',
      number: null,
      status: 'paused',
      pauseReason: '登记系统网络故障正在抢修请到其他窗口办理谢谢',
    });
    expect(cellWidth(lines[2])).toBeLessThanOrEqual(LED_LINE_CELLS);
    expect(lines[2].endsWith('…')).toBe(true);
  });

  it("puts a playbook's banner on the first line, above the counter's own lines", () => {
    const banner = '【演练】请按疏散指示有序撤离，已取号码当日有效，请勿拥挤';
    const frame = counterBoardFrame({ counterName: '3号窗口', number: 'A012', status: 'open', banner });
    expect(frame.lines[0]).toBe(fitLine(banner));
    expect(frame.lines.slice(1)).toEqual(['3号窗口', '请 A012 号']);
    expect(frame.blink).toBe(true);
    expect(counterBoardFrame({ counterName: '3号窗口', number: null, status: 'open', banner: ' ' }).lines).toEqual([
      '3号窗口',
      '欢迎办理',
    ]);
  });
});

describe('hallBoardFrame', () => {
  const frame = hallBoardFrame({
    banner: '大厅电力故障，正在使用备用电源，已取号码继续有效，请耐心等候',
    calls: [
      { number: 'A013', counterName: '12号窗口', outOfTurn: { category: 'urgent' } },
      { number: 'A012', counterName: '3号窗口' },
    ],
    queues: [
      { serviceName: '一窗受理（综合登记）', waiting: 12 },
      { serviceName: '“办不成事”反映', waiting: 0 },
    ],
  });

  it('puts the banner first, then the calls newest first, then the queues', () => {
    expect(frame.lines[0].startsWith('大厅电力故障')).toBe(true);
    expect(frame.lines.slice(1)).toEqual([
      'A013 请到12号窗口（加急）',
      'A012 请到3号窗口',
      '一窗受理（综合登记） 等候 12 人',
      '“办不成事”反映 等候 0 人',
    ]);
  });

  it('keeps every line within 16 Chinese characters', () => {
    for (const line of frame.lines) expect(cellWidth(line)).toBeLessThanOrEqual(LED_LINE_CELLS);
  });

  it('shortens a long service name but keeps the count', () => {
    const { lines } = hallBoardFrame({
      calls: [],
      queues: [{ serviceName: '不动产登记资料查询及利害关系人查询专窗', waiting: 105 }],
    });
    expect(lines[0].endsWith('… 等候 105 人')).toBe(true);
    expect(cellWidth(lines[0])).toBeLessThanOrEqual(LED_LINE_CELLS);
  });

  it('takes the out-of-turn category bare, as state/calls carries it', () => {
    const { lines } = hallBoardFrame({
      calls: [{ number: 'B001', counterName: '4号窗口', outOfTurn: 'special-group' }],
      queues: [],
    });
    expect(lines).toEqual(['B001 请到4号窗口（特殊群体）']);
  });

  it('shows a recalled number once, at the top and marked, and keeps the older calls', () => {
    const { lines } = hallBoardFrame({
      calls: [
        { number: 'A003', counterName: '1号窗口', recall: true },
        { number: 'E002', counterName: '8号窗口' },
        { number: 'A003', counterName: '1号窗口' },
        { number: 'A002', counterName: '2号窗口' },
      ],
      queues: [],
    });
    expect(lines).toEqual(['A003 请到1号窗口（重呼）', 'E002 请到8号窗口', 'A002 请到2号窗口']);
  });

  it('marks a green-lane call', () => {
    const { lines } = hallBoardFrame({ calls: [{ number: 'A009', counterName: '3号窗口', green: true }], queues: [] });
    expect(lines[0].startsWith('A009 请到3号窗口')).toBe(true);
    expect(lines[0]).toContain('绿色通道');
  });

  it('shows only the latest calls', () => {
    const calls = Array.from({ length: 9 }, (_, i) => ({ number: `A00${i}`, counterName: '1号窗口' }));
    expect(hallBoardFrame({ calls, queues: [] }).lines).toHaveLength(5);
    expect(hallBoardFrame({ calls, queues: [], maxCalls: 3 }).lines).toHaveLength(3);
  });
});

describe('fitLine', () => {
  it('leaves short text alone and folds white space', () => {
    expect(fitLine('3号窗口')).toBe('3号窗口');
    expect(fitLine(' a \n b ')).toBe('a b');
    expect(fitLine('x'.repeat(32))).toBe('x'.repeat(32));
  });

  it('cuts to 16 Chinese characters or 32 ASCII', () => {
    expect(fitLine('一二三四五六七八九十一二三四五六七')).toBe('一二三四五六七八九十一二三四五…');
    expect(fitLine('x'.repeat(40))).toBe('x'.repeat(30) + '…');
  });

  it('never splits a surrogate pair or a grapheme, and always fits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 0, max: 40 }), (text, cells) => {
        const out = fitLine(text, cells);
        expect(cellWidth(out)).toBeLessThanOrEqual(cells);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        const kept = out.endsWith('…') ? out.slice(0, -1) : out;
        expect(text.replace(/\s+/g, ' ').trim().startsWith(kept.trimEnd())).toBe(true);
      }),
    );
    expect(fitLine('😀'.repeat(20))).toBe('😀'.repeat(15) + '…');
  });
});
