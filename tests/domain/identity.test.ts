import { describe, expect, it } from 'vitest';
import { ageOn, checkChar, checkIdNumber, maskAddress, maskName, maskPhone } from '../../server/domain/identity.js';
import { makeIdNumber } from '../helpers/id-numbers.js';

describe('resident ID numbers (GB 11643)', () => {
  it('accepts the standard example and computes its check digit', () => {
    expect(checkChar('11010519491231002')).toBe('X');
    expect(checkIdNumber('11010519491231002X', '2026-11-25')).toEqual({
      ok: true,
      normalized: '11010519491231002X',
      birthDate: '1949-12-31',
    });
    expect(checkIdNumber('11010519491231002x', '2026-11-25').ok).toBe(true);
  });

  it('refuses a wrong check digit, a bad birth date, a future birth date, a bad region and wrong length', () => {
    expect(checkIdNumber('110105194912310021', '2026-11-25')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('check digit'),
    });
    const feb30 = '11010519490230001';
    expect(checkIdNumber(feb30 + checkChar(feb30), '2026-11-25')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('birth date'),
    });
    const future = '11010520991231001';
    expect(checkIdNumber(future + checkChar(future), '2026-11-25')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('future'),
    });
    const region = '99010519491231002';
    expect(checkIdNumber(region + checkChar(region), '2026-11-25')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('region'),
    });
    expect(checkIdNumber('1101051949123100', '2026-11-25').ok).toBe(false);
  });

  it('reads age from the birth date on the hall day', () => {
    expect(ageOn('1956-11-25', '2026-11-25')).toBe(70);
    expect(ageOn('1956-11-26', '2026-11-25')).toBe(69);
    expect(checkIdNumber(makeIdNumber('19561125', 7), '2026-11-25').ok).toBe(true);
  });

  it('masks phones and names for display', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('masks an address to at most its first six characters and never more than half of it', () => {
    expect(maskAddress('云城区河滨路88号3栋502')).toBe('云城区河滨路****');
    expect(maskAddress('x路1号')).toBe('x路****'); // shown whole before
    expect(maskAddress('云城区河滨路')).toBe('云城区****');
    expect(maskAddress('1号')).toBe('1****');
    expect(maskAddress('甲')).toBe('****');
  });
});
