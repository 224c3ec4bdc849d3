/** Mainland resident ID numbers (GB 11643) on the kiosk: quick check before sending, grouping for display, age. */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** True when the 18 characters have a real birth date and the right check digit (the server checks again). */
export function idNumberOk(raw: string): boolean {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > Date.now()) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11] === id[17];
}

/** '440102199001011234' → '440102 19900101 1234' (easier to check by eye). */
export function groupIdNumber(id: string): string {
  return [id.slice(0, 6), id.slice(6, 14), id.slice(14)].filter(Boolean).join(' ');
}

/** '440102 ******** 123X': what stays on screen once entered. */
export function maskIdNumber(id: string): string {
  return id.length < 10 ? id : `${id.slice(0, 3)}***********${id.slice(-4)}`;
}

/** Age in whole years today, from the birth date inside the number. */
export function ageFromIdNumber(id: string, today = new Date()): number | null {
  if (!/^\d{17}[\dX]$/i.test(id)) return null;
  const y = Number(id.slice(6, 10));
  const md = id.slice(10, 14);
  const nowMd = `${String(today.getMonth() + 1).padStart(2, '0')}${String(today.getDate()).padStart(2, '0')}`;
  return today.getFullYear() - y - (nowMd < md ? 1 : 0);
}
