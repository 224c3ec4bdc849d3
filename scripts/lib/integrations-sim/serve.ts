/**
 * The outside systems' stand-ins behind one real HTTP server: each request goes through the same msw handlers the
 * tests use (msw's `getResponse`), so the demo and a hall's trial run against what the tests run against.
 * Paths: `/platform/...` (appointment platform), `/sms/messages` (SMS gateway), `/registration/health`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, http, HttpResponse } from 'msw';
import { PlatformStandIn } from './platform-standin.js';
import { SmsStandIn } from './sms-standin.js';

export interface IntegrationsSim {
  url: string;
  platform: PlatformStandIn;
  sms: SmsStandIn;
  /** The registration system answers 200 while true, 503 otherwise. */
  registration: { up: boolean };
  /** The environment a hall needs to use these stand-ins. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startIntegrationsSim(opts: { port?: number; host?: string } = {}): Promise<IntegrationsSim> {
  const host = opts.host ?? '127.0.0.1';
  let url = '';
  const platform = new PlatformStandIn('http://placeholder/platform', 'sim-platform-token');
  const sms = new SmsStandIn('http://placeholder/sms', 'sim-sms-token');
  const registration = { up: true };
  let handlers: ReturnType<PlatformStandIn['handlers']> = [];
  const server: Server = createServer((req, res) => {
    void answer(req).then(
      async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(Buffer.from(await r.arrayBuffer()));
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
  async function answer(req: IncomingMessage): Promise<Response> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return new Response(null, { status: 413 });
      chunks.push(c as Buffer);
    }
    const body = chunks.length && req.method !== 'GET' ? Buffer.concat(chunks) : undefined;
    const request = new Request(url + req.url, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body,
    });
    return (await getResponse(handlers, request)) ?? HttpResponse.json({ message: 'no such path' }, { status: 404 });
  }
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  // The stand-ins learn the real address once the server listens (port 0 picks one).
  platform.baseUrl = `${url}/platform`;
  sms.baseUrl = `${url}/sms`;
  handlers = [
    ...platform.handlers(),
    ...sms.handlers(),
    http.get(`${url}/registration/health`, () =>
      registration.up ? HttpResponse.json({ ok: true }) : HttpResponse.json({ ok: false }, { status: 503 }),
    ),
  ];
  return {
    url,
    platform,
    sms,
    registration,
    env: {
      PLATFORM_URL: `${url}/platform`,
      PLATFORM_TOKEN: platform.token,
      SMS_URL: `${url}/sms`,
      SMS_TOKEN: sms.token,
      REGISTRATION_PROBE_URL: `${url}/registration/health`,
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
