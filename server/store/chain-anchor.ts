/**
 * The chain's anchor: one row in the meta table, beside the log and sealed with the chain key. It records where keyed
 * hashing starts, the head as of the last anchoring (so a log that lost its tail shows), and how far the chain was
 * last verified (so a start verifies only what came after).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.js';

export interface ChainAnchor {
  /** First entry hashed with the hall's key (HMAC-SHA256); entries before it are plain SHA-256, from older versions. */
  keyedFrom: number;
  /** The head when anchored: the log must still hold this entry, with this hash. */
  seq: number;
  hash: string;
  /** The chain verified intact up to here (at a start, or written since by a hall that started on an intact chain). */
  verifiedSeq: number;
  verifiedHash: string;
  at: number;
}

const META_KEY = 'audit_anchor';

function macOf(key: Buffer, a: ChainAnchor): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['anchor', a.keyedFrom, a.seq, a.hash, a.verifiedSeq, a.verifiedHash, a.at]))
    .digest('hex');
}

export type AnchorRead = { anchor?: undefined } | { anchor: ChainAnchor; sealed: boolean | 'no key' };

/** The anchor and whether its seal holds (`'no key'`: not checked, the secret is not at hand). */
export function readAnchor(db: Db, key: Buffer | undefined): AnchorRead {
  const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(META_KEY) as string | undefined;
  if (value === undefined) return {};
  let stored: ChainAnchor & { mac?: unknown };
  try {
    stored = JSON.parse(value);
  } catch {
    return { anchor: { keyedFrom: 1, seq: 0, hash: '', verifiedSeq: 0, verifiedHash: '', at: 0 }, sealed: false };
  }
  const { mac, ...anchor } = stored;
  if (!key) return { anchor, sealed: 'no key' };
  const expected = Buffer.from(macOf(key, anchor), 'hex');
  const given = typeof mac === 'string' && /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, 'hex') : Buffer.alloc(32);
  return { anchor, sealed: timingSafeEqual(expected, given) };
}

export function writeAnchor(db: Db, key: Buffer, anchor: ChainAnchor): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    META_KEY,
    JSON.stringify({ ...anchor, mac: macOf(key, anchor) }),
  );
}
