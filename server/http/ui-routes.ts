/**
 * Serves the hall's screens (ui/): their pages at /kiosk, /counter, /display, /display/counter/:id, /pad/:counterId,
 * /manager, /t/:ticketId (made from one template: ui-pages.ts), and /ui/* from ui/static then dist/ui.
 */
import type { Context, Hono } from 'hono';
import { projectRoot } from '../config/project-root.js';
import type { ApiDeps } from './deps.js';
import type { AppEnv } from './middleware/auth.js';
import { safeSegments, StaticFiles, type StaticFile } from './static-files.js';
import { screenPage, SCREENS } from './ui-pages.js';

/** Pages: scripts, styles and connections only from this server; no framing; the ticket URL never leaks as a referrer. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
    "media-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const ID_PARAM = /^[A-Za-z0-9_-]{1,64}$/;
const YEAR = 'public, max-age=31536000, immutable';

export function mountUi(
  app: Hono<AppEnv>,
  deps: ApiDeps,
  files = new StaticFiles([`${projectRoot()}/ui/static`, `${projectRoot()}/dist/ui`]),
): void {
  app.get('/', (c) => c.redirect('/display'));
  app.get('/favicon.ico', (c) => c.redirect('/ui/icon.svg', 301));

  const hallName = deps.hall.site.name;
  const read = (rel: string) => files.text(rel);
  for (const screen of SCREENS) {
    app.get(screen.route, (c) => {
      for (const key of ['counterId', 'ticketId']) {
        const v = c.req.param(key as never) as string | undefined;
        if (v !== undefined && !ID_PARAM.test(v)) return c.text('Not found', 404);
      }
      const file = files.page(screen.script, () => screenPage(screen, hallName, read));
      if (!file) return c.text('This screen is not built yet: run `npx tsc -p ui/tsconfig.json`.', 503);
      return send(c, file, 'no-cache', PAGE_HEADERS);
    });
  }

  // Which speakers can announce calls, so the hall board speaks only when none does (public: ids and state only).
  app.get('/ui/announcers.json', (c) => {
    const speakers = deps.accounts
      .listDevices()
      .filter((d) => d.kind === 'speaker')
      .map((d) => ({ id: d.id, counterId: d.counterId ?? null, online: d.online }));
    c.header('cache-control', 'no-store');
    return c.json({ speakers });
  });

  // /ui/v/<build>/path: immutable (the build id changes whenever a file does); /ui/path: revalidated.
  app.get('/ui/*', (c) => {
    const rest = c.req.path.slice('/ui/'.length);
    const versioned = /^v\/[0-9a-f]{12}\/(.+)$/.exec(rest);
    const rel = versioned ? versioned[1] : rest;
    // Pages only at their screen routes, with the page headers (CSP, no framing): never as plain files here.
    if (isPage(rel)) return c.text('Not found', 404);
    const file = files.asset(rel);
    if (!file) return c.text('Not found', 404);
    return send(c, file, versioned ? YEAR : 'no-cache', { 'x-content-type-options': 'nosniff' });
  });
}

function send(c: Context<AppEnv>, file: StaticFile, cacheControl: string, extra: Record<string, string>): Response {
  const headers: Record<string, string> = {
    ...extra,
    'cache-control': cacheControl,
    etag: file.etag,
    vary: 'Accept-Encoding',
  };
  const inm = c.req.header('if-none-match');
  if (inm && inm.split(',').some((t) => t.trim() === file.etag)) return new Response(null, { status: 304, headers });
  headers['content-type'] = file.type;
  const gzip = file.gzip && acceptsGzip(c.req.header('accept-encoding'));
  if (gzip) headers['content-encoding'] = 'gzip';
  const body = gzip ? file.gzip! : file.body;
  headers['content-length'] = String(body.byteLength);
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

/** Whether a /ui/ path names an HTML page, judged on the name as the file lookup decodes it (any case). */
function isPage(relPath: string): boolean {
  const segments = safeSegments(relPath);
  return segments !== undefined && /\.html?$/i.test(segments[segments.length - 1]);
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name.trim() !== 'gzip' && name.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}
