/**
 * Request bodies, read from Node's IncomingMessage when @hono/node-server serves us. Asking hono's Request for its
 * body builds a web Request (AbortController, Headers, a web stream over the socket) on every call, which was a
 * tenth of the server's time per issued ticket; reading the Node stream is the same bytes without any of that.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/** Largest JSON body the API accepts; nothing it needs comes close. */
export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
const aborted = () => new ApiError(400, 'REQUEST_ABORTED', 'the request body ended before it was complete');

export function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

/**
 * A request header, from Node's parsed headers when there are some: hono's `c.req.header()` builds a web Headers
 * object from the raw headers on first use, on every request.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c);
  if (!incoming) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Refuses a declared Content-Length over the limit before anything else runs; undeclared lengths are counted as read. */
export function limitBody(): MiddlewareHandler {
  return async function limitBodySize(c, next) {
    const declared = requestHeader(c, 'content-length');
    if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
    await next();
  };
}

/** The body as text; 413 PAYLOAD_TOO_LARGE as soon as it passes the limit. */
export async function bodyText(c: Context): Promise<string> {
  const incoming = incomingOf(c);
  if (!incoming) {
    // Not served by Node (app.request in a test): the web Request is all there is.
    const text = await c.req.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw tooLarge();
    return text;
  }
  // Only readBody reads a body, once: an ended stream here is a bug, a destroyed one a client that went away.
  if (incoming.readableEnded) throw new Error('the request body was already read');
  if (incoming.destroyed) throw aborted();
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // Stop reading; the answer closes the connection rather than draining an unbounded upload.
      done();
      c.header('connection', 'close');
      reject(tooLarge());
    };
    const onEnd = () => {
      done();
      resolve();
    };
    // An error on the request's stream is the client gone mid-body ('aborted', ECONNRESET): its doing, not the
    // server's — answered (to nobody) as such, and never logged as an unhandled error one can cause at will.
    const onError = () => {
      done();
      reject(aborted());
    };
    // 'close' without 'end': the client went away mid-body.
    const onClose = () => {
      done();
      reject(aborted());
    };
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      incoming.pause();
    };
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onError);
    incoming.once('close', onClose);
  });
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}
