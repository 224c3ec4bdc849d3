/** Valid resident ID numbers for the benches, a different one for every n (as kiosks with an ID-card reader send). */
import { checkChar } from '../../server/domain/identity.js';

/** A valid resident ID number, different for every n (born from 1980 on: adults, not yet "elderly"). */
export function idNumber(n: number): string {
  const birth = new Date(Date.UTC(1980, 0, 1) + Math.floor(n / 1000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const first17 = `440100${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + checkChar(first17);
}
