/** Mainland resident ID numbers on the kiosk: the server's own check (protocol/id-number.ts), grouping, masking, age. */
import { ageOn, checkIdNumber } from '../protocol/id-number.js';

/** True when the server would take the number on `today` (the hall day, YYYY-MM-DD): region, birth date, check digit. */
export function idNumberOk(raw: string, today: string): boolean {
  return checkIdNumber(raw, today).ok;
}

/** Age in whole years on `today`, from the birth date inside a valid number; null for one the server would refuse. */
export function ageFromIdNumber(id: string, today: string): number | null {
  const c = checkIdNumber(id, today);
  return c.ok ? ageOn(c.birthDate, today) : null;
}

/** '440102199001011234' → '440102 19900101 1234' (easier to check by eye). */
export function groupIdNumber(id: string): string {
  return [id.slice(0, 6), id.slice(6, 14), id.slice(14)].filter(Boolean).join(' ');
}

/** '440102 ******** 123X': what stays on screen once entered. */
export function maskIdNumber(id: string): string {
  return id.length < 10 ? id : `${id.slice(0, 3)}***********${id.slice(-4)}`;
}
