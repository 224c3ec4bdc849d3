/**
 * Bundles the hall server into dist/bundle/ (the last step of `npm run build`), which is what `npm start` runs.
 *
 * Why a bundle: run from tsc's output the server loads ~600 ES modules (zod alone 95, 64 of them locales it never
 * uses); one tree-shaken bundle holds less in memory and starts sooner — 83 against 89 MB idle, ready in ~0.6
 * against ~1.5 s on the development VM (docs/benchmarks.md, "The server as one bundle"). Kept readable: syntax and
 * whitespace are minified, names are not, so a stack trace still names its functions; the linked source map turns
 * it back into files and lines (`node --enable-source-maps`, when debugging).
 *
 *   node dist/scripts/bundle-server.js [--outdir DIR]
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { projectRoot } from '../server/config/project-root.js';

/** Where the bundle goes, relative to the project root; its entry is `main.js`. */
export const BUNDLE_DIR = join('dist', 'bundle');

/** Left to node_modules: a native addon, and the city's NATS client, which only a city link loads. */
const EXTERNAL = ['better-sqlite3', 'nats'];

export async function bundleServer(outdir = join(projectRoot(), BUNDLE_DIR)): Promise<void> {
  // The chunks' names carry a hash: an old build's would stay beside the new ones.
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { main: join(projectRoot(), 'server', 'main.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The printer's renderer and the external broker's client stay in chunks of their own, loaded when first used.
    splitting: true,
    external: EXTERNAL,
    // ASCII source stays one byte a character in V8's heap (a single Chinese string would make it two).
    charset: 'ascii',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    // The CommonJS packages inside (aedes, ws, …) call require() for node's own modules.
    banner: {
      js: "import { createRequire as __hallqRequire } from 'node:module'; const require = __hallqRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  await bundleServer(values.outdir);
}
