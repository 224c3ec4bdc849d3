/**
 * A client that goes away mid-body is answered REQUEST_ABORTED, whether its stream closes or errors ('aborted'): never
 * an unhandled error in the log, which anyone on the hall Wi-Fi could cause at will.
 */
import { PassThrough } from 'node:stream';
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../server/http/errors.js';
import { bodyText } from '../../server/http/request-body.js';

const contextOver = (incoming: PassThrough) => ({ env: { incoming }, header: () => undefined }) as unknown as Context;

describe('a request body the client abandons', () => {
  for (const how of ['errors', 'closes'] as const)
    it(`is REQUEST_ABORTED when the stream ${how}`, async () => {
      const incoming = new PassThrough();
      const read = bodyText(contextOver(incoming));
      incoming.write('{"username":"cl');
      if (how === 'errors') incoming.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      else incoming.destroy();
      const err = await read.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 400, code: 'REQUEST_ABORTED' });
    });
});
