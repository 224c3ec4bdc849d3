/** Identity helpers: the ID number check (shared with the kiosk, in protocol/) and masking for display. */

export { ageOn, checkChar, checkIdNumber, type IdCheck } from '../../protocol/id-number.js';

/** Masks a phone number for display: 138****5678. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** Masks a name for display: 张*, 欧阳** . */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/**
 * Masks an address for display: its first six characters (district, street) and never more than half of it, so a
 * short address (x路1号) is not shown whole; the rest is always hidden.
 */
export function maskAddress(address: string): string {
  const chars = Array.from(address.trim());
  return chars.slice(0, Math.min(6, Math.floor(chars.length / 2))).join('') + '****';
}
