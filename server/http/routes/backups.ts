/** The hall's own backups for the manager: the last one, a failure, the copies kept; and one now. */
import { Hono } from 'hono';
import type { ApiDeps } from '../deps.js';
import { sendError } from '../errors.js';
import { requireRole, type AppEnv } from '../middleware/auth.js';

export function backupRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const off = 'this server makes no backups of its own';

  app.get('/backups', (c) => {
    requireRole(c, 'manager');
    return deps.backups ? c.json(deps.backups.status()) : sendError(c, 404, 'BACKUPS_OFF', off);
  });

  app.post('/backups', async (c) => {
    requireRole(c, 'manager');
    if (!deps.backups) return sendError(c, 404, 'BACKUPS_OFF', off);
    try {
      const backup = await deps.backups.runNow();
      // Times in answers are ISO 8601, as GET /backups gives this one as `lastSuccess`.
      return c.json({ backup: { ...backup, at: new Date(backup.at).toISOString() } }, 201);
    } catch (err) {
      // On record already (status, alert, audit); the message names the folder's problem, nothing personal.
      return sendError(c, 503, 'BACKUP_FAILED', `the backup failed: ${(err as Error).message}`);
    }
  });

  return app;
}
