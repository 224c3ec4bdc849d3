/** The counter console speaks both languages in full: no key only in Chinese (it would show Chinese in English). */
import { describe, expect, it } from 'vitest';
import { CONSOLE_EN, CONSOLE_ZH } from '../../ui/src/screens/counter/strings.js';

describe('the console strings', () => {
  it('has every key in Chinese and in English', () => {
    expect(Object.keys(CONSOLE_EN).sort()).toEqual(Object.keys(CONSOLE_ZH).sort());
  });
});
