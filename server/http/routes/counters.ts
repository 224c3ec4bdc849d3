/** Counter actions: sign in, call next, recall, start, finish, no-show, transfer, out-of-order call, pause/resume/open/close. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import * as decide from '../../domain/decide/counters.js';
import type { DecideContext, Decision } from '../../domain/decide/context.js';
import type { HallState } from '../../domain/types.js';
import { OUT_OF_TURN_CATEGORIES } from '../../domain/types.js';
import { waitingInOrder } from '../../domain/queue-order.js';
import { audienceOf, counterView, counterViews, ticketView } from '../../core/views.js';
import { caseView, counterCases } from '../../core/case-views.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { reasonText } from '../free-text.js';
import { idParam, readBody, readParam } from '../validation.js';
import { auditRead } from '../query-trail.js';

const empty = z.object({}).passthrough();
const transferBody = z.object({ serviceId: idParam });
// A missing or blank reason is the domain's refusal (400 REASON_REQUIRED), not a shape error.
const callBody = z.object({
  ticketId: idParam,
  reason: reasonText(200).default(''),
  category: z.enum(OUT_OF_TURN_CATEGORIES).optional(),
});
const pauseBody = z.object({ reason: reasonText(60).default('') });
/**
 * `force` (manager): close although people wait whom no other open counter serves; `reassignTo` (manager): and move
 * them to that service, which another open counter serves.
 */
const closeBody = z
  .object({ force: z.boolean().default(false), reassignTo: z.string().min(1).max(64).optional() })
  .passthrough();
// `accepted: true` opens a case with its legal deadline when the service has one (R9).
const finishBody = z.object({ accepted: z.boolean().optional() }).passthrough();

export function counterRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  // The counter's own view only: building all of them per action was a share of every call-next's time.
  const counterBody = (id: string) => {
    const def = hall.hallFile.counters.find((c) => c.id === id);
    return def ? counterView(def, hall.state) : undefined;
  };

  /** Runs a counter action and answers with the ticket it touched and the counter's new state. */
  function action<B>(
    path: string,
    schema: z.ZodType<B>,
    run: (ctx: DecideContext, s: HallState, counterId: string, body: B) => Decision,
  ) {
    app.post(`/counters/:id/${path}`, async (c: Context<AppEnv>) => {
      const p = requireRole(c, 'counter', 'manager');
      const counterId = readParam(c, 'id');
      const body = await readBody(c, schema);
      const d = await hall.submit(actorOf(p), (ctx, s) => run(ctx, s, counterId, body));
      const t = d.ticketId ? hall.state.tickets.get(d.ticketId) : undefined;
      const opened = d.caseId ? hall.state.cases.get(d.caseId) : undefined;
      return c.json({
        ticket: t ? ticketView(hall.hallFile, hall.state, t, { verifyCode: true }) : null,
        counter: counterBody(counterId),
        ...(opened ? { case: caseView(opened, opened.acceptedOn) } : {}),
      });
    });
  }

  action('sign-in', empty, (ctx, s, id) => decide.signIn(ctx, s, id));
  action('sign-out', empty, (ctx, s, id) => decide.signOut(ctx, s, id));
  action('call-next', empty, (ctx, s, id) => decide.callNext(ctx, s, id));
  action('recall', empty, (ctx, s, id) => decide.recall(ctx, s, id));
  action('start', empty, (ctx, s, id) => decide.start(ctx, s, id));
  action('finish', finishBody, (ctx, s, id, b) => decide.finish(ctx, s, id, b.accepted === true));
  action('no-show', empty, (ctx, s, id) => decide.noShow(ctx, s, id));
  action('transfer', transferBody, (ctx, s, id, b) => decide.transfer(ctx, s, id, b.serviceId));
  action('call', callBody, (ctx, s, id, b) =>
    decide.callOutOfTurn(ctx, s, {
      counterId: id,
      ticketId: b.ticketId,
      reason: b.reason,
      category: b.category as never,
    }),
  );
  action('pause', pauseBody, (ctx, s, id, b) => decide.pause(ctx, s, id, b.reason));
  action('resume', empty, (ctx, s, id) => decide.resume(ctx, s, id));
  action('open', empty, (ctx, s, id) => decide.open(ctx, s, id));
  action('close', closeBody, (ctx, s, id, b) => decide.close(ctx, s, id, b.force, b.reassignTo));

  // Like GET /hall: without a token no staff names.
  app.get('/counters', (c) =>
    c.json({ counters: counterViews(hall.hallFile, hall.state, audienceOf(c.get('principal')?.role)) }),
  );

  /** The counter's current ticket and the waiting list it would serve, in the order it would serve it. */
  app.get('/counters/:id/queue', (c) => {
    const p = requireRole(c, 'counter', 'manager');
    const id = readParam(c, 'id');
    const def = hall.hallFile.counters.find((x) => x.id === id);
    if (!def) throw new ApiError(404, 'UNKNOWN_COUNTER', `no counter "${id}" in this hall`);
    const counter = hall.state.counters.get(id)!;
    const current = counter.currentTicketId ? hall.state.tickets.get(counter.currentTicketId) : undefined;
    const groups = def.services.map((group) => ({
      services: group,
      waiting: waitingInOrder(hall.state, group).map((t) =>
        ticketView(hall.hallFile, hall.state, t, { verifyCode: false }),
      ),
    }));
    const rows = groups.reduce((n, g) => n + g.waiting.length, current ? 1 : 0);
    auditRead(deps, p, { resource: 'counters.queue', query: { counterId: id }, rows });
    return c.json({
      counter: counterBody(id),
      current: current ? ticketView(hall.hallFile, hall.state, current, { verifyCode: true }) : null,
      groups,
      // 超期预警 on the counter's console: its own cases due today or overdue.
      cases: counterCases(hall, id),
    });
  });

  return app;
}
