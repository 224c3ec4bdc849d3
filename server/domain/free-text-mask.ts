/**
 * Masks what looks like a resident ID number or a mobile number in free text typed by people (reasons, comments,
 * notes), so it is never stored or shown in clear: 110105198203041234 → 1****************4, 13812345678 → 138****5678.
 */

// Digits not glued to other digits; spaces or dashes between the groups people type are allowed.
const ID_18 = /(?<![\dXx])\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx](?![\dXx])/g;
const ID_15 = /(?<!\d)\d{6}[ -]?\d{9}(?!\d)/g;
const MOBILE = /(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;

/** `s` with ID numbers (18 digits with a check X, or the old 15) and mainland mobile numbers masked. */
export function maskFreeText(s: string): string {
  return s.replace(ID_18, maskIdNumber).replace(ID_15, maskIdNumber).replace(MOBILE, maskMobile);
}

function maskIdNumber(match: string): string {
  const chars = match.replace(/[ -]/g, '');
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

function maskMobile(match: string): string {
  const digits = match.replace(/\D/g, '').slice(-11);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
