/**
 * Page weight of each screen: its HTML, stylesheets, icon and every script module it loads (the static import graph
 * from dist/ui), raw and gzip-compressed as the server sends them. `npx tsx scripts/ui-weight.ts` prints a table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SCREEN_PAGES: Record<string, string> = {
  kiosk: 'kiosk.html',
  counter: 'counter.html',
  display: 'display.html',
  'display/counter': 'counter-display.html',
  pad: 'pad.html',
  manager: 'manager.html',
  't (phone)': 'ticket.html',
};

export interface PageWeight {
  screen: string;
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

function resolveUi(urlPath: string): string | undefined {
  const rel = urlPath.replace(/^\/ui\//, '');
  for (const base of [join(ROOT, 'ui', 'static'), join(ROOT, 'dist', 'ui')]) {
    const p = join(base, rel);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Every /ui/ file a page loads, following the scripts' relative imports. */
export function pageFiles(page: string): string[] {
  const html = readFileSync(join(ROOT, 'ui', 'static', page), 'utf8');
  const seen = new Set<string>([`/ui/${page}`]);
  const queue = [...html.matchAll(/(?:src|href)="(\/ui\/[^"]+)"/g)].map((m) => m[1]);
  while (queue.length) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    if (!url.endsWith('.js')) continue;
    const file = resolveUi(url);
    if (!file) continue;
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const spec = m[1] ?? m[2];
      queue.push(posix.normalize(posix.join(posix.dirname(url), spec)));
    }
  }
  return [...seen];
}

export function pageWeights(): PageWeight[] {
  return Object.entries(SCREEN_PAGES).map(([screen, page]) => {
    let raw = 0;
    let gz = 0;
    const files = pageFiles(page);
    for (const url of files) {
      const file = url === `/ui/${page}` ? join(ROOT, 'ui', 'static', page) : resolveUi(url);
      if (!file) throw new Error(`${page} loads ${url}, which is not built`);
      const body = readFileSync(file);
      raw += body.length;
      gz += Math.min(body.length, gzipSync(body, { level: 9 }).length);
    }
    return { screen, files: files.length, rawBytes: raw, gzipBytes: gz };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log('| screen | files | raw KB | gzip KB |\n| --- | ---: | ---: | ---: |');
  for (const w of pageWeights()) console.log(`| /${w.screen} | ${w.files} | ${kb(w.rawBytes)} | ${kb(w.gzipBytes)} |`);
}
