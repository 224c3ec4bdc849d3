/**
 * Files of the hall's screens, read from a few folders in order (ui/static, then dist/ui), kept in memory with their
 * gzip form and an ETag, and re-read when they change on disk. Only plain relative paths inside a root are served.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface StaticFile {
  body: Buffer;
  /** Present when the type compresses and the gzip form is smaller. */
  gzip?: Buffer;
  etag: string;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.webmanifest']);
/** One path segment: letters, digits, dot, dash, underscore; never starting with a dot. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}$/;
const BUILD_ID_TTL_MS = 1000;

interface Cached extends StaticFile {
  key: string;
}

export class StaticFiles {
  private readonly roots: string[];
  private readonly cache = new Map<string, Cached>();
  private readonly pages = new Map<string, { build: string; file: StaticFile }>();
  private build?: { id: string; at: number };

  constructor(roots: string[]) {
    this.roots = roots.map((r) => resolve(r));
  }

  /** A file under one of the roots, or undefined for anything that is not a plain, existing, known-type file. */
  asset(relPath: string): StaticFile | undefined {
    const segments = safeSegments(relPath);
    if (!segments) return undefined;
    const ext = extname(segments[segments.length - 1]).toLowerCase();
    if (!TYPES[ext]) return undefined;
    for (const root of this.roots) {
      const full = resolve(root, ...segments);
      if (!full.startsWith(root + sep)) continue;
      const file = this.load(full, ext);
      if (file) return file;
    }
    return undefined;
  }

  /** A text file under the roots (the first root that has it), or undefined. */
  text(relPath: string): string | undefined {
    const segments = safeSegments(relPath);
    if (!segments) return undefined;
    for (const root of this.roots) {
      const full = resolve(root, ...segments);
      if (!full.startsWith(root + sep)) continue;
      try {
        return readFileSync(full, 'utf8');
      } catch {
        /* not in this root */
      }
    }
    return undefined;
  }

  /**
   * A screen's HTML page as `make` writes it (undefined: not built), made once per build, with its /ui/ links pointed
   * at that build so they can be cached for good.
   */
  page(key: string, make: () => string | undefined): StaticFile | undefined {
    const id = this.buildId();
    const hit = this.pages.get(key);
    if (hit?.build === id) return hit.file;
    const html = make();
    if (html === undefined) return undefined;
    const file = entry(Buffer.from(html.replace(/(src|href)="\/ui\//g, `$1="/ui/v/${id}/`)), '.html');
    this.pages.set(key, { build: id, file });
    return file;
  }

  /** Changes whenever any file in the roots changes: a hash of every path, size and modification time. */
  buildId(now = Date.now()): string {
    if (this.build && now - this.build.at < BUILD_ID_TTL_MS) return this.build.id;
    const h = createHash('sha256');
    for (const root of this.roots) walk(root, '', (rel, size, mtime) => h.update(`${root}|${rel}|${size}|${mtime}\n`));
    this.build = { id: h.digest('hex').slice(0, 12), at: now };
    return this.build.id;
  }

  private load(full: string, ext: string): StaticFile | undefined {
    let st;
    try {
      st = statSync(full);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = this.cache.get(full);
    if (hit && hit.key === key) return hit;
    const cached: Cached = { key, ...entry(readFileSync(full), ext) };
    this.cache.set(full, cached);
    return cached;
  }
}

/** A body ready to send: its ETag, and its gzip form when the type compresses and that is smaller. */
function entry(body: Buffer, ext: string): StaticFile {
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
  let gzip: Buffer | undefined;
  if (COMPRESSIBLE.has(ext) && body.length > 256) {
    const z = gzipSync(body, { level: 9 });
    if (z.length < body.length) gzip = z;
  }
  return { body, gzip, etag, type: TYPES[ext] };
}

/** Splits a URL path into safe segments, or undefined if any part could leave the root or is not a plain name. */
export function safeSegments(relPath: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relPath);
  } catch {
    return undefined;
  }
  if (decoded.length === 0 || decoded.length > 300 || /[\\\0]/.test(decoded)) return undefined;
  const segments = decoded.split('/');
  return segments.every((s) => SEGMENT.test(s)) ? segments : undefined;
}

function walk(root: string, rel: string, visit: (rel: string, size: number, mtime: number) => void, depth = 0): void {
  if (depth > 6) return;
  let names: string[];
  try {
    names = readdirSync(join(root, rel)).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    try {
      const st = statSync(join(root, r));
      if (st.isDirectory()) walk(root, r, visit, depth + 1);
      else visit(r, st.size, st.mtimeMs);
    } catch {
      /* vanished while walking */
    }
  }
}
