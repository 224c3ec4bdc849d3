/** Cases with legal deadlines: the public look-up by number, completion by staff, the manager's list. */
import { Hono } from 'hono';
import { z } from 'zod';
import { caseView, publicCaseView } from '../../core/case-views.js';
import { hallDay } from '../../domain/clock.js';
import { completeCase, findCaseByNumber, isOverdue } from '../../domain/decide/cases.js';
import type { ApiDeps } from '../deps.js';
import { clientAddress, guessingNetwork } from '../client-address.js';
import { ApiError } from '../errors.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { readParam, readQuery } from '../validation.js';
import { CheckInThrottle } from './check-in-throttle.js';

const listQuery = z.object({ status: z.enum(['open', 'overdue']).default('open') });

/** Unknown case numbers one kiosk may look up in 10 minutes (an address: 10). */
const KIOSK_CASE_MISSES = 30;
/**
 * Unknown case numbers all addresses together may look up in 10 minutes: past it every look-up without a device's
 * token waits. A hall sees a few typos an hour; someone with thousands of addresses no longer guesses at full speed.
 */
const PUBLIC_CASE_MISSES = 600;

export function caseRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;
  // Numbers that match no case count against the caller's address (10 in 10 minutes), like appointment codes; a
  // kiosk's look-ups (its token sent) against that kiosk, 30 in 10 minutes: everyone at it shares its address.
  const guesses = new CheckInThrottle(KIOSK_CASE_MISSES, PUBLIC_CASE_MISSES);
  const today = () => hallDay(hall.clock(), hall.site.timezone);

  app.get('/cases', (c) => {
    requireRole(c, 'manager');
    const { status } = readQuery(c, listQuery);
    const day = today();
    const cases = [...hall.state.cases.values()]
      .filter((k) => (status === 'overdue' ? isOverdue(k, day) : k.status === 'open'))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.acceptedAt - b.acceptedAt)
      .map((k) => caseView(k, day));
    return c.json({ cases });
  });

  app.get('/cases/:number', (c) => {
    const principal = c.get('principal');
    const isDevice = principal?.kind === 'device';
    const caller = isDevice ? principal!.id : guessingNetwork(clientAddress(c));
    const now = hall.clock();
    const waitMs = guesses.retryAfterMs(caller, isDevice, now);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      c.header('retry-after', String(seconds));
      throw new ApiError(429, 'TOO_MANY_ATTEMPTS', `too many unknown case numbers; try again in ${seconds} s`, {
        retryAfterSeconds: seconds,
      });
    }
    const typed = c.req.param('number');
    const found = typed.length <= 40 ? findCaseByNumber(hall.state, typed) : undefined;
    if (!found) {
      guesses.failed(caller, isDevice, now);
      throw new ApiError(404, 'UNKNOWN_CASE', 'no case with this number; check the number on the receipt');
    }
    return c.json({ case: publicCaseView(found, today()) });
  });

  app.post('/cases/:id/complete', async (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const id = readParam(c, 'id');
    await hall.submit(actorOf(p), (ctx, s) => completeCase(ctx, s, id));
    return c.json({ case: caseView(hall.state.cases.get(id)!, today()) });
  });

  return app;
}
