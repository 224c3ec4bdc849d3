/**
 * Who may import whom (docs/architecture.md): the domain imports only itself (and the hall file's types); the layers
 * under the features never import a feature, HTTP, the live stream or the app; no feature imports another feature;
 * only the app builds the features. Read from the sources' import lines, so a new import that breaks a rule fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(ROOT, 'server');

interface Import {
  from: string; // file, relative to the project root
  to: string; // resolved target relative to the project root, or the package name
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4];
    const to = spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
    out.push({ from: relative(ROOT, file), to, typeOnly: !!m[2] });
  }
  return out;
}

const all = sources(SERVER).flatMap(importsOf);
/** `server/<layer>/…` → layer; a feature is `features/<name>`. */
function area(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'server') return parts[0];
  if (parts[1] === 'features' && parts.length > 3) return `features/${parts[2]}`;
  return parts.length > 2 ? parts[1] : 'server';
}
const broken = (ok: (i: Import) => boolean) => all.filter((i) => !ok(i)).map((i) => `${i.from} → ${i.to}`);

describe('import rules', () => {
  it('reads the imports of every server file', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(
      all.some((i) => i.from === 'server/app/hall-server.ts' && i.to === 'server/features/device-intake/index.ts'),
    ).toBe(true);
  });

  it('the domain imports only the domain, the shared protocol, the hall file’s types and Node’s file reading', () => {
    const domain = all.filter((i) => area(i.from) === 'domain');
    const ok = (i: Import) =>
      area(i.to) === 'domain' ||
      i.to.startsWith('protocol/') ||
      (i.to === 'server/config/hall-schema.ts' && i.typeOnly) ||
      i.to === 'node:fs' ||
      i.to === 'node:path';
    expect(domain.filter((i) => !ok(i)).map((i) => `${i.from} → ${i.to}`)).toEqual([]);
  });

  it('the layers under the features never import a feature, HTTP, the live stream or the app', () => {
    const below = new Set(['domain', 'store', 'core', 'mqtt', 'jobs', 'config', 'security', 'printing']);
    const above = (to: string) => to.startsWith('server/features/') || ['http', 'ws', 'app'].includes(area(to));
    expect(broken((i) => !below.has(area(i.from)) || !above(i.to))).toEqual([]);
  });

  it('no feature imports another feature, and only the app imports features', () => {
    expect(
      broken((i) => !area(i.to).startsWith('features/') || area(i.to) === area(i.from) || area(i.from) === 'app'),
    ).toEqual([]);
  });

  it('others use a feature through its index', () => {
    expect(
      broken((i) => !area(i.to).startsWith('features/') || area(i.to) === area(i.from) || i.to.endsWith('/index.ts')),
    ).toEqual([]);
  });
});
