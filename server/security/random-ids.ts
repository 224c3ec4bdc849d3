/** Unguessable ids and short codes, from the operating system's random source. */
import { randomBytes, randomInt, createHash } from 'node:crypto';

/** A random id such as `t_Xb3…` (96 bits): safe to put in a QR code as the only key to a ticket's page. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** A bearer token (256 bits). Only its hash is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}
