/**
 * The requests whose bearer token the API's authentication took as valid. Only these make their address one of the
 * hall's own (connection-guard.ts): a request that merely carries an `Authorization` header may never reach a token
 * check at all (`/api/../healthz` is served as `/healthz`).
 */
import type { IncomingMessage } from 'node:http';

export const tokenTaken = new WeakSet<IncomingMessage>();
