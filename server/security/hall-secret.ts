/**
 * The hall's secret, made at first start and kept in DATA_DIR: keys the identity hash, seals personal data and keys
 * the audit chain.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { hmacSha256 } from './hmac-sha256.js';

export const SECRET_FILE = 'hall-secret.key';

export class HallSecret {
  private readonly sealKey: Buffer;
  /** HMAC key of the audit chain: without it nobody can rewrite an entry and recompute the chain after it. */
  readonly chainKey: Buffer;
  constructor(private readonly key: Buffer) {
    // Separate keys for hashing, sealing and the chain, derived from the one secret.
    this.sealKey = createHash('sha256')
      .update(Buffer.concat([key, Buffer.from('seal')]))
      .digest();
    this.chainKey = createHmac('sha256', key).update('audit-chain').digest();
  }

  /** Loads the secret from `dataDir`, creating it (mode 0600) on first start. */
  static loadOrCreate(dataDir: string): HallSecret {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, SECRET_FILE);
    if (!existsSync(path)) writeDurably(dataDir, SECRET_FILE, randomBytes(32).toString('hex') + '\n');
    return HallSecret.load(dataDir)!;
  }

  /** Loads the secret from `dataDir` without creating it (offline tools); undefined when there is none. */
  static load(dataDir: string, file = SECRET_FILE): HallSecret | undefined {
    const path = join(dataDir, file);
    if (!existsSync(path)) return undefined;
    const hex = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${path} is not a valid hall secret (64 hex characters)`);
    return new HallSecret(Buffer.from(hex, 'hex'));
  }

  /** A key for one more purpose (e.g. `known-browser`), derived like the chain's and apart from every other. */
  derivedKey(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(purpose).digest();
  }

  /** Keyed hash of an identity: equal IDs give equal hashes; without the secret it can't be reversed by brute force. */
  identityHash(normalizedIdNumber: string): string {
    return hmacSha256(this.key, `id:${normalizedIdNumber}`, 'base64url');
  }

  /** Seals text with AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`. */
  seal(text: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
    return `v1.${iv.toString('base64url')}.${c.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  unseal(sealed: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1') throw new Error('unknown sealed format');
    const d = createDecipheriv('aes-256-gcm', this.sealKey, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
}

/** Writes a file so that a power cut leaves either nothing or the whole file: temp file, fsync, rename, fsync dir. */
export function writeDurably(dir: string, name: string, content: string | Buffer): void {
  const tmp = join(dir, `.${name}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** `writeDurably` on libuv's thread pool: the same steps, none of them blocking the event loop. */
export async function writeDurablyOffLoop(
  dir: string,
  name: string,
  content: string,
  tmpName = `.${name}.tmp`,
): Promise<void> {
  const tmp = join(dir, tmpName);
  const file = await open(tmp, 'w', 0o600);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, join(dir, name));
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
