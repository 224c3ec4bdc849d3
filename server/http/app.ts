/** The HTTP API of the contract under /api/v1, plus /healthz; every error in the contract's shape. */
import { Hono } from 'hono';
import { audienceOf, hallView } from '../core/views.js';
import type { Db } from '../store/db.js';
import type { ApiDeps } from './deps.js';
import { onError, sendError } from './errors.js';
import { storageProblemOf } from '../store/storage-full.js';
import { authenticate, type AppEnv } from './middleware/auth.js';
import { requestLog } from './middleware/request-log.js';
import { resolveClientAddress } from './client-address.js';
import { limitBody } from './request-body.js';
import { alertRoutes } from './routes/alerts.js';
import { brokerDown } from './routes/broker-alerts.js';
import { appointmentRoutes } from './routes/appointments.js';
import { availabilityRoutes } from './routes/availability.js';
import { auditRoutes } from './routes/audit.js';
import { caseRoutes } from './routes/cases.js';
import { homeVisitRoutes } from './routes/home-visits.js';
import { prereviewRoutes } from './routes/prereviews.js';
import { authRoutes } from './routes/auth.js';
import { backupRoutes } from './routes/backups.js';
import { cityRoutes } from './routes/city.js';
import { hallAmendmentRoutes } from './routes/hall-amendments.js';
import { counterRoutes } from './routes/counters.js';
import { deviceRoutes } from './routes/devices.js';
import { emergencyRoutes } from './routes/emergency.js';
import { evaluationRoutes } from './routes/evaluations.js';
import { reportRoutes } from './routes/reports.js';
import { integrationRoutes } from './routes/integrations.js';
import { statsRoutes } from './routes/stats.js';
import { ticketPreviewRoutes } from './routes/ticket-preview.js';
import { ticketRoutes } from './routes/tickets.js';

export function createApp(deps: ApiDeps, db: Db, extra?: (app: Hono<AppEnv>) => void): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    const problem = storageProblemOf(err);
    if (problem) deps.hall.noteStorageProblem(problem);
    return onError(err, c);
  });
  app.notFound((c) => sendError(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.use('*', requestLog());

  // Serving goes on with a broken audit chain (docs/operations.md); the check at start is shown here too.
  // A disk that refused the last write (full, read-only, failing) and has taken none since: 503, for the monitor.
  // An external broker out of reach: the hall still serves people (ok), without its devices; the monitor is told.
  app.get('/healthz', (c) => {
    const broken = deps.hall.chainAtStart?.firstBroken;
    const storage = deps.hall.storageProblem;
    const mqtt = brokerDown(deps);
    return c.json(
      {
        ok: !storage,
        ...(broken ? { auditChain: { ok: false, firstBroken: broken } } : {}),
        ...(mqtt ? { mqtt: { ok: false, since: new Date(mqtt.since).toISOString(), error: mqtt.error ?? null } } : {}),
        ...(storage
          ? { storage: { ok: false, problem: storage.problem, since: new Date(storage.since).toISOString() } }
          : {}),
      },
      storage ? 503 : 200,
    );
  });

  const api = new Hono<AppEnv>();
  api.use('*', resolveClientAddress(deps.trustedProxies ?? new Set()));
  api.use('*', limitBody());
  api.use('*', authenticate(deps.accounts, deps.hall.clock));
  api.get('/hall', (c) =>
    c.json(
      hallView(
        deps.hall.hallFile,
        deps.hall.state,
        deps.hall.clock(),
        deps.hall.alwaysOpen,
        audienceOf(c.get('principal')?.role),
      ),
    ),
  );
  api.get('/version', (c) => c.json({ version: deps.version }));
  for (const routes of [
    authRoutes(deps),
    ticketRoutes(deps),
    counterRoutes(deps),
    appointmentRoutes(deps),
    evaluationRoutes(deps),
    emergencyRoutes(deps),
    auditRoutes(deps),
    deviceRoutes(deps),
    statsRoutes(deps, db),
    ticketPreviewRoutes(deps),
    alertRoutes(deps),
    availabilityRoutes(deps),
    caseRoutes(deps),
    backupRoutes(deps),
    reportRoutes(deps, db),
    integrationRoutes(deps),
    prereviewRoutes(deps),
    homeVisitRoutes(deps),
    cityRoutes(deps),
    hallAmendmentRoutes(deps),
  ])
    api.route('/', routes);
  app.route('/api/v1', api);
  extra?.(app);
  return app;
}
