/** Mosquitto's PBKDF2-SHA512 password hash (`$7$`), as `mosquitto_passwd` writes it. */
import { pbkdf2Sync, randomBytes } from 'node:crypto';

const ITERATIONS = 101;

export function mosquittoHash(password: string, salt = randomBytes(12)): string {
  const digest = pbkdf2Sync(password, salt, ITERATIONS, 64, 'sha512');
  return `$7$${ITERATIONS}$${salt.toString('base64')}$${digest.toString('base64')}`;
}
