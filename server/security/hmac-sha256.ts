/**
 * HMAC-SHA256 of text under a fixed key, byte for byte what `createHmac('sha256', key).update(text)` gives, for the
 * write path's hot hashes (the chain's entry hash, the identity hash). HMAC is H((K⊕opad) ‖ H((K⊕ipad) ‖ m)): the
 * padded keys are made once per key and each message costs two one-shot `crypto.hash` calls, instead of a new
 * `Hmac` object (key import, native handle) per message — about half the CPU.
 */
import { hash } from 'node:crypto';

const BLOCK = 64;
const DIGEST = 32;
/** Reused for the inner hash's input (one thread, no await in between); a longer message gets a buffer of its own. */
const SCRATCH_BYTES = 16 * 1024;
let scratch: Buffer | undefined;

export class HmacSha256 {
  /** K ⊕ ipad, one block. */
  private readonly innerPad: Buffer;
  /** K ⊕ opad, one block, then room for the inner digest. */
  private readonly outer: Buffer;

  constructor(key: Buffer) {
    // As RFC 2104: a key longer than a block is hashed first, a shorter one padded with zeros.
    const k = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
    this.innerPad = Buffer.alloc(BLOCK, 0x36);
    this.outer = Buffer.alloc(BLOCK + DIGEST, 0x5c);
    for (let i = 0; i < k.length; i++) {
      this.innerPad[i] ^= k[i];
      this.outer[i] ^= k[i];
    }
  }

  /** The HMAC of `text` (encoded as UTF-8, lone surrogates as U+FFFD, as Node encodes any string). */
  digest(text: string, encoding: 'hex' | 'base64url'): string {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: the bound avoids measuring the text first.
    let buf: Buffer;
    if (BLOCK + text.length * 3 <= SCRATCH_BYTES) buf = scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    else buf = Buffer.allocUnsafe(BLOCK + Buffer.byteLength(text, 'utf8'));
    this.innerPad.copy(buf, 0);
    const length = BLOCK + buf.write(text, BLOCK, 'utf8');
    hash('sha256', buf.subarray(0, length), 'buffer').copy(this.outer, BLOCK);
    return hash('sha256', this.outer, encoding);
  }
}

const byKey = new WeakMap<Buffer, HmacSha256>();

/**
 * The HMAC of `text` under `key`; the padded keys are kept as long as the key buffer lives, so the key's bytes must not
 * change afterwards (the hall's keys never do).
 */
export function hmacSha256(key: Buffer, text: string, encoding: 'hex' | 'base64url'): string {
  let h = byKey.get(key);
  if (!h) byKey.set(key, (h = new HmacSha256(key)));
  return h.digest(text, encoding);
}
