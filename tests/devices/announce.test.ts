import { describe, expect, it } from 'vitest';
import {
  buildCallAnnouncements,
  buildNoticeAnnouncements,
  espeakArgs,
  speakNumber,
  hallLanguageTag,
  speechLanguages,
} from '../../devices/announce/index.js';

const HALL_LANGUAGES = ['zh-CN', 'yue', 'en'];

describe('speakNumber', () => {
  it('reads digit by digit in Chinese, letters as letters', () => {
    expect(speakNumber('A012', 'cmn')).toBe('A零一二');
    expect(speakNumber('H100', 'cmn')).toBe('H一零零');
    expect(speakNumber('A1000', 'cmn')).toBe('A一零零零');
    expect(speakNumber('B907', 'yue')).toBe('B九零七');
  });

  it('reads digit by digit in English', () => {
    expect(speakNumber('A012', 'en')).toBe('A zero one two');
    expect(speakNumber('H100', 'en')).toBe('H one zero zero');
    expect(speakNumber('A1000', 'en')).toBe('A one zero zero zero');
  });

  it('accepts full-width and lower-case input', () => {
    expect(speakNumber('ａ０１２', 'cmn')).toBe('A零一二');
    expect(speakNumber(' c345 ', 'en')).toBe('C three four five');
  });
});

describe('buildCallAnnouncements', () => {
  it('calls in Mandarin, Cantonese and English, Mandarin first', () => {
    const calls = buildCallAnnouncements({
      number: 'A012',
      counterName: '3号窗口',
      counterNumber: '3',
      languages: HALL_LANGUAGES,
      repeat: 2,
    });
    expect(calls).toEqual([
      { text: '请A零一二号到3号窗口办理', lang: 'cmn', repeat: 2 },
      { text: '请A零一二号到3号窗口办理', lang: 'yue', repeat: 2 },
      { text: 'Number A zero one two, please go to counter 3', lang: 'en', repeat: 2 },
    ]);
  });

  it("puts Mandarin first, then the hall's own order", () => {
    const calls = buildCallAnnouncements({
      number: 'A012',
      counterName: '3号窗口',
      languages: ['en', 'yue', 'zh-CN'],
      repeat: 1,
    });
    expect(calls.map((c) => c.lang)).toEqual(['cmn', 'en', 'yue']);
  });

  it('uses the counter name as it is when there is no counter number', () => {
    const [cmn, , en] = buildCallAnnouncements({
      number: 'H100',
      counterName: '11号窗口',
      languages: HALL_LANGUAGES,
      repeat: 1,
    });
    expect(cmn.text).toBe('请H一零零号到11号窗口办理');
    expect(en.text).toBe('Number H one zero zero, please go to counter 11');
  });

  it('handles numbers over 999', () => {
    const [cmn, , en] = buildCallAnnouncements({
      number: 'A1000',
      counterName: '12号窗口',
      counterNumber: '12',
      languages: HALL_LANGUAGES,
      repeat: 1,
    });
    expect(cmn.text).toBe('请A一零零零号到12号窗口办理');
    expect(en.text).toBe('Number A one zero zero zero, please go to counter 12');
  });

  it('says a recall is a second call', () => {
    const calls = buildCallAnnouncements({
      number: 'A012',
      counterName: '3号窗口',
      counterNumber: '3',
      languages: HALL_LANGUAGES,
      repeat: 1,
      recall: true,
    });
    expect(calls.map((c) => c.text)).toEqual([
      '再次呼叫，请A零一二号到3号窗口办理',
      '再次呼叫，请A零一二号到3号窗口办理',
      'Once again, number A zero one two, please go to counter 3',
    ]);
  });

  it('always speaks Mandarin, even when the hall lists only other languages', () => {
    const calls = buildCallAnnouncements({ number: 'A012', counterName: '3号窗口', languages: ['en'], repeat: 1 });
    expect(calls.map((c) => c.lang)).toEqual(['cmn', 'en']);
    expect(buildCallAnnouncements({ number: 'A012', counterName: '3号窗口', languages: [], repeat: 1 })).toHaveLength(
      1,
    );
  });

  it('never sends an English voice a Chinese-only counter name', () => {
    const [, en] = buildCallAnnouncements({
      number: 'C001',
      counterName: '绿色通道',
      languages: ['zh-CN', 'en'],
      repeat: 1,
    });
    expect(en.text).toBe('Number C zero zero one, please go to the counter shown on the screen');
    const [, named] = buildCallAnnouncements({
      number: 'C001',
      counterName: '绿色通道',
      counterNameEn: 'the green-lane counter',
      languages: ['zh-CN', 'en'],
      repeat: 1,
    });
    expect(named.text).toBe('Number C zero zero one, please go to the green-lane counter');
  });

  it('plays 1 to 5 times, a whole number', () => {
    const play = (repeat: number) =>
      buildCallAnnouncements({ number: 'A1', counterName: '1号窗口', languages: [], repeat })[0].repeat;
    expect(play(0)).toBe(1);
    expect(play(2.7)).toBe(2);
    expect(play(Number.NaN)).toBe(1);
    expect(play(9)).toBe(5);
  });
});

describe('speechLanguages', () => {
  it('maps hall tags to voices, drops unknown and duplicate ones', () => {
    expect(speechLanguages(['zh-CN', 'yue', 'en'])).toEqual(['cmn', 'yue', 'en']);
    expect(speechLanguages(['en-GB', 'zh-HK', 'fr', 'EN'])).toEqual(['cmn', 'en', 'yue']);
  });

  it('maps back to the tag cmd/announce carries', () => {
    expect(['cmn', 'yue', 'en'].map((l) => hallLanguageTag(l as 'cmn'))).toEqual(['zh-CN', 'yue', 'en']);
  });
});

describe('buildNoticeAnnouncements', () => {
  const fire = '请注意，请按照疏散指示标志有序撤离，已取号码当日有效';

  it('gives a Chinese notice in Mandarin and Cantonese, not in English without an English text', () => {
    expect(buildNoticeAnnouncements(fire, HALL_LANGUAGES)).toEqual([
      { text: fire, lang: 'cmn', repeat: 1 },
      { text: fire, lang: 'yue', repeat: 1 },
    ]);
  });

  it('adds English when an English text is given and the hall speaks English', () => {
    const textEn = 'Attention please: follow the evacuation signs. Tickets stay valid today.';
    const notices = buildNoticeAnnouncements(fire, HALL_LANGUAGES, { textEn, repeat: 3 });
    expect(notices.map((n) => [n.lang, n.repeat])).toEqual([
      ['cmn', 3],
      ['yue', 3],
      ['en', 3],
    ]);
    expect(notices[2].text).toBe(textEn);
    expect(buildNoticeAnnouncements(fire, ['zh-CN'], { textEn }).map((n) => n.lang)).toEqual(['cmn']);
  });

  it('says nothing for an empty notice', () => {
    expect(buildNoticeAnnouncements('  ', HALL_LANGUAGES)).toEqual([]);
  });
});

describe('espeakArgs', () => {
  it('selects the voice, a hall pace, UTF-8 input, and ends options before the text', () => {
    expect(espeakArgs({ text: '请A零一二号到3号窗口办理', lang: 'cmn', repeat: 2 })).toEqual([
      '-v',
      'cmn',
      '-s',
      '140',
      '-b',
      '1',
      '--',
      '请A零一二号到3号窗口办理',
    ]);
    expect(espeakArgs({ text: 'x', lang: 'yue', repeat: 1 })[1]).toBe('yue');
    expect(espeakArgs({ text: '-q', lang: 'en', repeat: 1 }, 120)).toEqual([
      '-v',
      'en',
      '-s',
      '120',
      '-b',
      '1',
      '--',
      '-q',
    ]);
  });
});
