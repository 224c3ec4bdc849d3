/** Unguessable ids and short codes, from the operating system's random source. */
import { createHash, randomBytes } from 'node:crypto';

// Random bytes are taken from a pool filled 4 KB at a time: one call into OpenSSL per ~200 ids instead of one per id
// (it was a few per cent of the time of an issued ticket). The bytes are the same CSPRNG output either way.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

function take(n: number): Buffer {
  if (n > POOL_BYTES) return randomBytes(n);
  if (used + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const out = pool.subarray(used, used + n);
  used += n;
  return out;
}

/** A random id such as `t_Xb3…` (96 bits): safe to put in a QR code as the only key to a ticket's page. */
export function randomId(prefix: string): string {
  return `${prefix}_${take(12).toString('base64url')}`;
}

/** `bytes` random bytes as hex: request ids and the like. */
export function randomHex(bytes: number): string {
  return take(bytes).toString('hex');
}

/** A bearer token (256 bits). Only its hash is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `n` random decimal digits, each uniform: bytes of 250 and above are drawn again so that `% 10` has no bias. */
export function digits(n: number): string {
  let s = '';
  while (s.length < n) {
    const b = take(1)[0];
    if (b < 250) s += String(b % 10);
  }
  return s;
}
