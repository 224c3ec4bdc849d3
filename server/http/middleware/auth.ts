/** Bearer-token authentication and role checks for every route. */
import type { Context, MiddlewareHandler } from 'hono';
import type { Actor } from '../../domain/decide/context.js';
import type { Accounts, Principal, TokenRole } from '../../store/accounts.js';
import { forbidden, unauthorized } from '../errors.js';
import { incomingOf, requestHeader } from '../request-body.js';
import { tokenTaken } from '../token-taken.js';

/** `clientAddress`: the caller's address, a proxy's client resolved (client-address.ts). */
export type AppEnv = { Variables: { principal?: Principal; clientAddress?: string } };

export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/i);
  return m?.[1];
}

/** Resolves the token (if any) to a principal. A token that is present but unknown or expired is a 401. */
export function authenticate(accounts: Accounts, clock: () => number): MiddlewareHandler<AppEnv> {
  return async function authenticateRequest(c, next) {
    const header = requestHeader(c, 'authorization');
    if (header) {
      const token = bearerToken(header);
      const principal = token ? accounts.principal(token, clock()) : undefined;
      if (!principal) throw unauthorized('the token is unknown or has expired; log in again');
      c.set('principal', principal);
      const incoming = incomingOf(c);
      if (incoming) tokenTaken.add(incoming);
    }
    await next();
  };
}

/** The principal of this request, refused unless it has one of `roles`. */
export function requireRole(c: Context<AppEnv>, ...roles: TokenRole[]): Principal {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  if (!roles.includes(p.role)) throw forbidden(`this needs the role ${roles.join(' or ')}; you are ${p.role}`);
  return p;
}

export function actorOf(p: Principal): Actor {
  return { kind: p.kind, id: p.id, role: p.role, name: p.name, counterId: p.counterId };
}
