/** Error bodies of the contract: `{"error":{"code":"UPPER_SNAKE","message":"…"}}`, with a fitting status. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../domain/errors.js';
import { log } from '../log.js';
import { WorkQueueFull } from '../security/bounded-work.js';
import { isStorageFull, storageProblemOf } from '../store/storage-full.js';

export class ApiError extends DomainError {}

export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ?? {}) } };
}

export function sendError(
  c: Context,
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
) {
  return c.json(errorBody(code, message, details), status as ContentfulStatusCode);
}

/** Maps anything thrown by a route to the contract's shape. Only a real bug becomes a 500. */
export function onError(err: Error, c: Context) {
  if (err instanceof DomainError) return sendError(c, err.status, err.code, err.message, err.details);
  // SQLite took the whole write back: nothing changed, and the hall writes again once there is space.
  if (isStorageFull(err)) {
    log.error('the disk is full; commands are refused until there is space', { path: c.req.path });
    return sendError(
      c,
      503,
      'STORAGE_FULL',
      'the hall server’s disk is full; nothing was changed. Try again once staff have freed space',
    );
  }
  // A disk gone read-only (a remount after errors) or failing: SQLite took the write back, as above.
  const problem = storageProblemOf(err);
  if (problem) {
    log.error('the disk refused a write; commands are refused until it is repaired', { path: c.req.path, problem });
    return sendError(
      c,
      503,
      'STORAGE_FAILED',
      `the hall server’s disk is ${problem === 'read-only' ? 'read-only' : 'failing'}; nothing was changed. Staff must repair it`,
    );
  }
  // Too many password checks waiting (a login flood): refused at once instead of queued without end.
  if (err instanceof WorkQueueFull) {
    c.header('retry-after', '5');
    return sendError(c, 503, 'TOO_BUSY', 'too many logins at once; try again in a few seconds');
  }
  log.error('unhandled error', {
    path: c.req.path,
    error: err.message,
    stack: err.stack?.split('\n').slice(0, 4).join(' | '),
  });
  return sendError(c, 500, 'INTERNAL', 'something went wrong inside the server; nothing was changed');
}

export const unauthorized = (message = 'log in first: send Authorization: Bearer <token>') =>
  new ApiError(401, 'UNAUTHORIZED', message);
export const forbidden = (message: string) => new ApiError(403, 'FORBIDDEN', message);
