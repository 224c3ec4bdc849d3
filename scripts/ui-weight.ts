/**
 * Page weight of each screen: its page (the template filled as the server fills it), stylesheets, icon and every
 * script module it loads (the static import graph from dist/ui), raw and gzip-compressed as the server sends them.
 * `npx tsx scripts/ui-weight.ts` prints a table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { screenPage, SCREENS, type ScreenPage } from '../server/http/ui-pages.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Long enough for any hall's name: the weight does not depend on which hall is measured. */
const HALL_NAME = '云浮市不动产登记中心';

export interface PageWeight {
  screen: string;
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

/** A file under /ui/ as the server finds it: ui/static first, then the build. */
function resolveUi(rel: string): string | undefined {
  return [join(ROOT, 'ui', 'static', rel), join(ROOT, 'dist', 'ui', rel)].find((p) => existsSync(p));
}

const read = (rel: string) => {
  const file = resolveUi(rel);
  return file === undefined ? undefined : readFileSync(file, 'utf8');
};

/** The page and every /ui/ file it loads (its links, and the modules it preloads: all its script imports). */
export function pageFiles(screen: ScreenPage): { html: string; urls: string[] } {
  const html = screenPage(screen, HALL_NAME, read);
  if (html === undefined) throw new Error(`${screen.route}: the UI is not built`);
  return { html, urls: [...new Set([...html.matchAll(/(?:src|href)="(\/ui\/[^"]+)"/g)].map((m) => m[1]))] };
}

export function pageWeights(): PageWeight[] {
  return SCREENS.map((screen) => {
    const { html, urls } = pageFiles(screen);
    const bodies = [
      Buffer.from(html),
      ...urls.map((url) => {
        const file = resolveUi(url.slice('/ui/'.length));
        if (!file) throw new Error(`${screen.route} loads ${url}, which is not built`);
        return readFileSync(file);
      }),
    ];
    const raw = bodies.reduce((a, b) => a + b.length, 0);
    const gz = bodies.reduce((a, b) => a + Math.min(b.length, gzipSync(b, { level: 9 }).length), 0);
    return { screen: screen.route.replace(/^\//, ''), files: bodies.length, rawBytes: raw, gzipBytes: gz };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log('| screen | files | raw KB | gzip KB |\n| --- | ---: | ---: | ---: |');
  for (const w of pageWeights()) console.log(`| /${w.screen} | ${w.files} | ${kb(w.rawBytes)} | ${kb(w.gzipBytes)} |`);
}
