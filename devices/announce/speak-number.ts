// Reads a ticket number the way the hall calls it: letter by letter, digit by digit.

import type { SpeechLang } from './announcement.js';

const CHINESE_DIGITS = '零一二三四五六七八九';
const ENGLISH_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/**
 * 'A012' → 'A零一二' (cmn and yue share the written digits) or 'A zero one two' (en).
 * Digit by digit, so 'A100' is never heard as "A one hundred" and confused with A001.
 */
export function speakNumber(number: string, lang: SpeechLang): string {
  // NFKC turns full-width 'Ａ０１２' from a Chinese IME into plain 'A012'.
  const chars = [...number.normalize('NFKC').trim().toUpperCase()];
  if (lang === 'en') {
    return chars
      .map((c) => (/[0-9]/.test(c) ? ENGLISH_DIGITS[Number(c)] : /[A-Z]/.test(c) ? c : ''))
      .filter((word) => word.length > 0)
      .join(' ');
  }
  return chars.map((c) => (/[0-9]/.test(c) ? CHINESE_DIGITS[Number(c)] : c)).join('');
}
