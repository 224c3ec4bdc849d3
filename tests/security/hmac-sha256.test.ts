/** The write path's HMAC (padded keys made once) must give what createHmac gives, or old logs would not verify. */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256, hmacSha256 } from '../../server/security/hmac-sha256.js';
import { entryHash } from '../../server/store/chain-encoding.js';
import { HallSecret } from '../../server/security/hall-secret.js';

const reference = (key: Uint8Array, text: string, enc: 'hex' | 'base64url') =>
  createHmac('sha256', key).update(text).digest(enc);

// Any UTF-16 text, lone surrogates and controls included, short and long (past the reused scratch buffer).
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'binary', minLength: 5_000, maxLength: 7_000 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);
// Chain and identity keys are 32 bytes; the other lengths check the RFC's padding and long-key rules.
const key = fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 0, maxLength: 150 }));

describe('hmacSha256', () => {
  it('equals createHmac for any key and text, in hex and base64url', () => {
    fc.assert(
      fc.property(key, text, text, (k, a, b) => {
        const h = new HmacSha256(Buffer.from(k));
        // Two messages in a row under one key: nothing of the first may stay in the next.
        expect(h.digest(a, 'hex')).toBe(reference(k, a, 'hex'));
        expect(h.digest(b, 'base64url')).toBe(reference(k, b, 'base64url'));
        expect(hmacSha256(Buffer.from(k), a, 'hex')).toBe(reference(k, a, 'hex'));
      }),
      { numRuns: 400 },
    );
  });

  it('equals createHmac on the edges: empty text, text exactly filling the scratch buffer, a lone surrogate at the end', () => {
    const k = Buffer.alloc(32, 7);
    for (const t of ['', 'x'.repeat((16 * 1024 - 64) / 3), 'x'.repeat((16 * 1024 - 64) / 3 + 1), 'a\ud800', '\udc00']) {
      expect(hmacSha256(k, t, 'hex')).toBe(reference(k, t, 'hex'));
    }
  });

  it('keeps the chain entry hash and the identity hash as createHmac made them', () => {
    const secret = new HallSecret(Buffer.alloc(32, 3));
    const chainKey = secret.chainKey;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string({ unit: 'binary' }), (seq, at, data) => {
        const canonical = `${'0'.repeat(64)}\n${seq}\n${at}\nticket.issued\nuser:k\n${data}`;
        expect(entryHash(chainKey, '0'.repeat(64), seq, at, 'ticket.issued', 'user:k', data)).toBe(
          reference(chainKey, canonical, 'hex'),
        );
        expect(secret.identityHash(data)).toBe(reference(Buffer.alloc(32, 3), `id:${data}`, 'base64url'));
      }),
      { numRuns: 200 },
    );
  });
});
