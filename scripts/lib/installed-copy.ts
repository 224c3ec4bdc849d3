/**
 * An installed hall as an integrator makes one: what `scripts/package.sh` ships (package.json "files", the manifest
 * and lock) plus the production packages `npm ci --omit=dev` would install, hard-linked from this checkout's
 * node_modules (no network). Nothing of the devDependencies is there, so a start proves the runtime needs none.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../server/config/project-root.js';
import { SERVER_ENTRY } from './hall-process.js';

interface LockFile {
  packages: Record<string, { dev?: boolean; link?: boolean }>;
}

/** The packages of the lock that a production install keeps (`dev` ones are left out; nested ones come with their parent). */
export function productionPackages(root = projectRoot()): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as LockFile;
  const kept = Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.link)
    .map(([path]) => path)
    .sort();
  return kept.filter((path) => !kept.some((parent) => path !== parent && path.startsWith(`${parent}/`)));
}

/** Fills `dir` with an installed copy of the built project; the build (dist/) must exist. */
export function makeInstalledCopy(dir: string, root = projectRoot()): void {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  if (!existsSync(join(root, SERVER_ENTRY))) throw new Error('build first: npm run build');
  for (const entry of ['package.json', 'package-lock.json', ...pkg.files]) {
    if (!existsSync(join(root, entry))) continue;
    mkdirSync(dirname(join(dir, entry)), { recursive: true });
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  for (const path of productionPackages(root)) {
    if (!existsSync(join(root, path))) continue; // an optional package not installed here (e.g. GPIO on a PC)
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    const r = spawnSync('cp', ['-al', join(root, path), join(dir, path)]);
    if (r.status !== 0) throw new Error(`cannot link ${path}: ${r.stderr.toString()}`);
  }
}
