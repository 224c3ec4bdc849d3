/** Free text is stored with ID numbers and mobile numbers masked, and everything else left as typed. */
import { describe, expect, it } from 'vitest';
import { maskFreeText } from '../../server/domain/free-text-mask.js';

describe('maskFreeText', () => {
  it.each([
    ['身份证110105198203041234号', '身份证1****************4号'],
    ['ID 11010519820304123X please', 'ID 1****************X please'],
    ['id11010519820304123x', 'id1****************x'],
    ['old card 110105820304123', 'old card 1*************3'],
    ['call 13812345678 back', 'call 138****5678 back'],
    ['电话：138 1234 5678', '电话：138****5678'],
    ['tel +86 138-1234-5678.', 'tel 138****5678.'],
    ['两个号码13912345678和15012345678', '两个号码139****5678和150****5678'],
    ['110105 19820304 1234', '1****************4'],
    // As an IME types them in 全角 mode, or grouped with other spaces and signs.
    ['请联系１３９１２３４５６７８', '请联系139****5678'],
    ['请联系139　1234　5678', '请联系139****5678'],
    ['call 139\u00a01234\u00a05678', 'call 139****5678'],
    ['(139)1234-5678', '(139****5678'],
    ['139.1234.5678 or 139/1234/5678', '139****5678 or 139****5678'],
    ['证号1101 0119 9003 0745 14', '证号1****************4'],
    ['证号110101 1990 0307 4514', '证号1****************4'],
    ['身份证１１０１０１１９９００３０７４５１Ｘ', '身份证1****************X'],
    ['+8613912345678', '139****5678'],
    ['A110101199003074514', 'A1****************4'],
    ['13912345678 13812345678', '139****5678 138****5678'],
  ])('masks %s', (input, masked) => {
    expect(maskFreeText(input)).toBe(masked);
  });

  it.each([
    '老人行动不便',
    'ticket A012, counter 3, 10:45',
    'landline 0766-1234567',
    'not a mobile: 12812345678',
    'too long for a mobile: 138123456789',
    'order 1234567890123456789012',
    '2026-03-02',
    '第１号窗口，下午２点',
    '2026-12-02 10:30:45',
  ])('leaves %s as typed', (input) => {
    expect(maskFreeText(input)).toBe(input);
  });
});
