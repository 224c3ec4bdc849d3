/** Builds valid mainland resident ID numbers (GB 11643 check digit) for tests. */
import { checkChar } from '../../server/domain/identity.js';

/** e.g. makeIdNumber('19800101', 1) → '110105198001010019'-like number with a correct check digit. */
export function makeIdNumber(birthDate: string, serial: number, region = '110105'): string {
  const first17 = `${region}${birthDate}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + checkChar(first17);
}
