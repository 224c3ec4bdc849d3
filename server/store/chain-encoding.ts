/**
 * How a log entry is encoded for its hash. One canonical text per entry, built once: the writer hashes it and stores
 * its fields, and since every field is well-formed Unicode, SQLite keeps them byte for byte and gives back the same
 * text. Also: the encoding the pre-fix writer actually hashed, so entries it wrote still verify.
 */
import { createHash } from 'node:crypto';
import { hmacSha256 } from '../security/hmac-sha256.js';
import { wellFormed } from '../../devices/protocol/clean-text.js';

/** The text an entry's hash covers. `type` and `actor` hold no line break (cleanLabel), and `data` comes last. */
export function canonicalEntry(
  prevHash: string,
  seq: number,
  at: number,
  type: string,
  actor: string,
  data: string,
): string {
  return `${prevHash}\n${seq}\n${at}\n${type}\n${actor}\n${data}`;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * An entry's hash: HMAC-SHA256 under the chain key from `keyedFrom` on, plain SHA-256 before (entries written by
 * versions without a keyed chain). Without the key nobody can rewrite an entry and recompute the chain after it.
 */
export function entryHash(
  key: Buffer | undefined,
  prevHash: string,
  seq: number,
  at: number,
  type: string,
  actor: string,
  data: string,
): string {
  const text = canonicalEntry(prevHash, seq, at, type, actor, data);
  return key ? hmacSha256(key, text, 'hex') : createHash('sha256').update(text).digest('hex');
}

// Controls (line breaks among them, which separate the fields of the canonical text) and lone surrogates.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A type or actor as the log stores it: well-formed, one line. Input is cleaned long before; this is the last guard. */
export function cleanLabel(s: string): string {
  return wellFormed(s).replace(CONTROL, '\ufffd');
}

/**
 * The bytes the pre-fix writer hashed, from the bytes SQLite stored. It hashed JS text, which Node encodes with each
 * lone surrogate as EF BF BD (U+FFFD), while better-sqlite3 stored that surrogate as its 3-byte form ED A0..BF xx.
 */
export function legacyHashedBytes(stored: Buffer): Buffer {
  let out: Buffer | undefined;
  for (let i = 0; i + 2 < stored.length; i++) {
    if (stored[i] === 0xed && stored[i + 1] >= 0xa0 && stored[i + 1] <= 0xbf && (stored[i + 2] & 0xc0) === 0x80) {
      out ??= Buffer.from(stored);
      out[i] = 0xef;
      out[i + 1] = 0xbf;
      out[i + 2] = 0xbd;
      i += 2;
    }
  }
  return out ?? stored;
}

/** SHA-256 of the pre-fix encoding of an entry whose stored actor and data are given as raw bytes. */
export function legacyEntryHash(
  prevHash: string,
  seq: number,
  at: number,
  type: string,
  actor: Buffer,
  data: Buffer,
): string {
  return createHash('sha256')
    .update(`${prevHash}\n${seq}\n${at}\n${type}\n`)
    .update(legacyHashedBytes(actor))
    .update('\n')
    .update(legacyHashedBytes(data))
    .digest('hex');
}
