/**
 * GET /tickets/:id/ticket.svg: the paper ticket as SVG (the kiosk's preview). No auth, like GET /tickets/:id. A render
 * costs ~1.7 ms of the one core (ten public reads of the hall): the last renders are kept, and renders for callers
 * without a token share a budget, so a few phones on the hall Wi-Fi cannot slow every kiosk and counter to seconds.
 */
import { Hono } from 'hono';
import { ticketPrintInput } from '../../printing/ticket-print-input.js';
import type { Ticket } from '../../domain/types.js';
import type { Principal } from '../../store/accounts.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { readParam } from '../validation.js';

/**
 * Who may see the verify code on the preview: staff, and the kiosk that issued the ticket (as POST /tickets answered
 * it). Anyone else, other kiosks included, gets the image with the code masked.
 */
function seesVerifyCode(p: Principal | undefined, t: Ticket): boolean {
  if (!p) return false;
  if (p.role === 'counter' || p.role === 'manager') return true;
  return p.role === 'kiosk' && t.issuerDeviceId === p.id;
}

/** Renders kept (an SVG is ~10 KB): the same ticket asked again, unchanged, is not drawn again. */
const CACHED_RENDERS = 64;
/** Renders a second for callers without a token, with bursts up to twice that; staff and kiosks are never held. */
export const PUBLIC_RENDERS_PER_SECOND = 20;

export function ticketPreviewRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;
  const cache = new Map<string, string>();
  let budget = 2 * PUBLIC_RENDERS_PER_SECOND;
  let budgetAt = hall.clock();
  const takePublicRender = (): boolean => {
    const now = hall.clock();
    budget = Math.min(2 * PUBLIC_RENDERS_PER_SECOND, budget + ((now - budgetAt) / 1000) * PUBLIC_RENDERS_PER_SECOND);
    budgetAt = now;
    if (budget < 1) return false;
    budget -= 1;
    return true;
  };

  app.get('/tickets/:id/ticket.svg', async (c) => {
    const id = readParam(c, 'id');
    const t = hall.state.tickets.get(id);
    if (!t) throw new ApiError(404, 'UNKNOWN_TICKET', 'no such ticket today');
    const input = ticketPrintInput(hall.hallFile, hall.state, t, deps.publicUrl);
    const principal = c.get('principal');
    if (!seesVerifyCode(principal, t)) input.verifyCode = '----';
    // What is drawn is all in the input: the same input, the same picture.
    const key = JSON.stringify(input);
    let svg = cache.get(key);
    if (svg === undefined) {
      if (!principal && !takePublicRender()) {
        c.header('retry-after', '1');
        throw new ApiError(429, 'TOO_MANY_ATTEMPTS', 'too many ticket previews at once; try again in a second', {
          retryAfterSeconds: 1,
        });
      }
      // Loaded on first use, like the printer path: the renderer is large.
      const { renderTicketSvg } = await import('../../../devices/ticket/index.js');
      svg = renderTicketSvg(input);
      if (cache.size >= CACHED_RENDERS) cache.delete(cache.keys().next().value!);
    } else cache.delete(key); // re-inserted last: the least recently asked goes first
    cache.set(key, svg);
    return c.body(svg, 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
  });

  return app;
}
