/**
 * The bare group-commit server's work (bare-group-commit-server.ts: one row per request, one durable transaction per
 * turn) served the way the hall serves its API: hono on @hono/node-server, the body read from Node's stream as
 * server/http/request-body.ts does, four middlewares where the hall has four (request log, client address, body
 * limit, auth), the route under a sub-app at /api/v1, the answer from `c.json`. Beside the bare server, floor-bench
 * shows what the framework costs per answer; beside the hall, what the hall's own work costs. Run as a child
 * process (`PORT`, `DATA_DIR`).
 */
import { serve } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import type { IncomingMessage } from 'node:http';
import { pathToFileURL } from 'node:url';
import { ANSWER, groupCommit, rowOf } from './bare-group-commit-server.js';

type Env = { Bindings: { incoming: IncomingMessage }; Variables: { role?: string } };

const answer = JSON.parse(ANSWER) as object;

function bodyOf(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}

/** As cheap as a middleware gets while still doing what the hall's do: read a header, set a variable, await next. */
const middleware =
  (header: string): MiddlewareHandler<Env> =>
  async (c, next) => {
    if (c.env.incoming.headers[header] !== undefined) c.set('role', header);
    await next();
  };

function main(): void {
  const commits = groupCommit(process.env.DATA_DIR ?? '.');
  const app = new Hono<Env>();
  app.use('*', middleware('x-request-id'));
  app.get('/healthz', (c) => c.text('ok'));
  const api = new Hono<Env>();
  for (const header of ['x-forwarded-for', 'content-length', 'authorization']) api.use('*', middleware(header));
  api.post('/rows', async (c) => {
    const row = rowOf(await bodyOf(c.env.incoming));
    await new Promise<void>((resolve, reject) => commits.add(row, (err) => (err ? reject(err) : resolve())));
    return c.json(answer, 201);
  });
  app.route('/api/v1', api);
  serve({
    fetch: app.fetch,
    port: Number(process.env.PORT ?? 0),
    hostname: process.env.HOST ?? '127.0.0.1',
    serverOptions: { keepAliveTimeout: 60_000 },
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
