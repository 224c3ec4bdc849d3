/**
 * Mainland resident ID numbers (GB 11643-1999): format, region, check digit, birth date, age. Pure, so the server
 * and the kiosk check a number the same way.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83, 91,
]);

export type IdCheck = { ok: true; normalized: string; birthDate: string } | { ok: false; reason: string };

/** The check character for the first 17 digits. */
export function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** Validates an 18-character ID number; `today` (YYYY-MM-DD) bounds the birth date. */
export function checkIdNumber(raw: string, today: string): IdCheck {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: 'must be 17 digits and a check digit (0-9 or X)' };
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return { ok: false, reason: 'unknown region code' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d)
    return { ok: false, reason: 'birth date is not a real date' };
  if (birthDate > today) return { ok: false, reason: 'birth date is in the future' };
  if (checkChar(id.slice(0, 17)) !== id[17]) return { ok: false, reason: 'check digit does not match' };
  return { ok: true, normalized: id, birthDate };
}

/** Whole years between a birth date and `today`, both YYYY-MM-DD. */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}
