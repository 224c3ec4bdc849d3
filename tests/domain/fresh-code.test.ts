/** One way to draw a code (appointment codes, case numbers): skip the ones in use, give up plainly after a few. */
import { describe, expect, it } from 'vitest';
import { freshCode } from '../../server/domain/decide/context.js';
import { DomainError } from '../../server/domain/errors.js';

describe('freshCode', () => {
  it('draws again past codes in use', () => {
    const draws = ['111111', '222222', '333333'];
    let drawn = 0;
    const code = freshCode(
      (c) => c !== '333333',
      () => draws[drawn++],
      'appointment code',
    );
    expect(code).toBe('333333');
    expect(drawn).toBe(3);
  });

  it('refuses with NO_FREE_CODE after 21 draws, naming what it looked for', () => {
    let drawn = 0;
    const attempt = () =>
      freshCode(
        () => true,
        () => `${drawn++}`,
        'case number',
      );
    let refusal: unknown;
    try {
      attempt();
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'NO_FREE_CODE', message: expect.stringContaining('case number') });
    expect(drawn).toBe(21);
  });
});
