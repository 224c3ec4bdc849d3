/** GET /tickets/:id/ticket.svg: the paper ticket as SVG (the kiosk's preview). No auth, like GET /tickets/:id. */
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

export function ticketPreviewRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  app.get('/tickets/:id/ticket.svg', async (c) => {
    const id = readParam(c, 'id');
    const t = hall.state.tickets.get(id);
    if (!t) throw new ApiError(404, 'UNKNOWN_TICKET', 'no such ticket today');
    const input = ticketPrintInput(hall.hallFile, hall.state, t, deps.publicUrl);
    if (!seesVerifyCode(c.get('principal'), t)) input.verifyCode = '----';
    // Loaded on first use, like the printer path: the renderer is large.
    const { renderTicketSvg } = await import('../../../devices/ticket/index.js');
    return c.body(renderTicketSvg(input), 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
  });

  return app;
}
