/**
 * Password hashing, compared in constant time: scrypt (`scrypt$N$r$p$salt$hash`) for passwords people choose,
 * SHA-256 (`sha256$hex`) for secrets the server drew.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { tokenHash } from './random-ids.js';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(expected, actual);
}

/** The same check off the main thread (libuv's pool), for logins that must not stall the hall, e.g. MQTT devices. */
export function verifyPasswordAsync(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return Promise.resolve(false);
  const expected = Buffer.from(hash, 'base64url');
  return new Promise((resolve) => {
    scrypt(
      password,
      Buffer.from(salt, 'base64url'),
      expected.length,
      { N: Number(n), r: Number(r), p: Number(p) },
      (err, actual) => {
        resolve(!err && timingSafeEqual(expected, actual));
      },
    );
  });
}

/**
 * A secret the server drew itself (a device's MQTT password: 256 random bits) needs no slow hash: nobody can guess
 * it, so SHA-256 keeps it as safe as scrypt would, and checks it in a microsecond on the main thread. scrypt is
 * for what people choose. Stored as `sha256$hex`.
 */
export function hashRandomSecret(secret: string): string {
  return `sha256$${tokenHash(secret)}`;
}

/** Whether `stored` is a `hashRandomSecret` hash, checked at once; otherwise it is scrypt's (`verifyPasswordAsync`). */
export function isRandomSecretHash(stored: string): boolean {
  return stored.startsWith('sha256$');
}

export function verifyRandomSecret(secret: string, stored: string): boolean {
  const expected = Buffer.from(stored.slice('sha256$'.length), 'hex');
  const actual = Buffer.from(tokenHash(secret), 'hex');
  return isRandomSecretHash(stored) && expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A login's check: done `now` (a SHA-256 hash), or `later` off the main thread (scrypt), where a queue bounds it. */
export type CredentialCheck<T> = { now: T | undefined } | { later: () => Promise<T | undefined> };
