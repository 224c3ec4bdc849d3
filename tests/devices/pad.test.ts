import { describe, expect, it } from 'vitest';
import { idlePad, RATING_LEVELS, ratingPrompt, thanksPad } from '../../devices/pad/index.js';

describe('RATING_LEVELS', () => {
  it('is the five-level scale, 5 = 非常满意 down to 1 = 非常不满意', () => {
    expect(RATING_LEVELS.map((l) => [l.score, l.label, l.labelEn])).toEqual([
      [5, '非常满意', 'Very satisfied'],
      [4, '满意', 'Satisfied'],
      [3, '基本满意', 'Fairly satisfied'],
      [2, '不满意', 'Dissatisfied'],
      [1, '非常不满意', 'Very dissatisfied'],
    ]);
    expect(Object.isFrozen(RATING_LEVELS)).toBe(true);
  });
});

describe('pad screens', () => {
  it('asks to rate a finished ticket', () => {
    const screen = ratingPrompt({ ticketNumber: 'A012', ticketId: 't-1', counterName: '3号窗口', staffName: '李敏' });
    expect(screen).toEqual({
      screen: 'rate',
      ticketNumber: 'A012',
      ticketId: 't-1',
      counterName: '3号窗口',
      staffName: '李敏',
      levels: RATING_LEVELS,
    });
    expect(JSON.parse(JSON.stringify(screen)).levels[0]).toEqual({
      score: 5,
      label: '非常满意',
      labelEn: 'Very satisfied',
    });
  });

  it('leaves staffName out when nobody is signed in', () => {
    const prompt = ratingPrompt({ ticketNumber: 'A012', counterName: '3号窗口' });
    expect(prompt).not.toHaveProperty('staffName');
    expect(prompt.ticketId).toBeNull();
    expect(idlePad({ counterName: '3号窗口' })).toEqual({
      screen: 'idle',
      ticketId: null,
      counterName: '3号窗口',
      message: '欢迎办理',
      messageEn: 'Welcome',
    });
  });

  it('thanks the visitor', () => {
    expect(thanksPad({ counterName: '3号窗口', staffName: '李敏', ticketNumber: 'A012', score: 5 })).toEqual({
      screen: 'thanks',
      ticketId: null,
      counterName: '3号窗口',
      staffName: '李敏',
      ticketNumber: 'A012',
      score: 5,
      message: '感谢您的评价',
      messageEn: 'Thank you for your feedback',
    });
  });
});
