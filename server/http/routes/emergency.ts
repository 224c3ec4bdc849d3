/** The emergency state: a manager activates or deactivates one of the hall file's playbooks. */
import { Hono } from 'hono';
import { z } from 'zod';
import { activateEmergency, deactivateEmergency } from '../../domain/decide/emergency.js';
import { audienceOf, emergencyView } from '../../core/views.js';
import type { ApiDeps } from '../deps.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { freeText } from '../free-text.js';
import { idParam, readBody } from '../validation.js';

const activateBody = z.object({ playbookId: idParam, note: freeText(300).optional() });

export function emergencyRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;
  const body = (role?: string) => ({
    active: emergencyView(hall.state.emergency, audienceOf(role)),
    playbooks: hall.hallFile.playbooks.map((p) => ({
      id: p.id,
      name: p.name,
      triggers: p.triggers,
      actions: p.actions,
    })),
  });

  app.get('/emergency', (c) => c.json(body(c.get('principal')?.role)));

  app.post('/emergency/activate', async (c) => {
    const p = requireRole(c, 'manager');
    const b = await readBody(c, activateBody);
    await hall.submit(actorOf(p), (ctx, s) => activateEmergency(ctx, s, b.playbookId, b.note));
    return c.json(body(p.role));
  });

  app.post('/emergency/deactivate', async (c) => {
    const p = requireRole(c, 'manager');
    await readBody(c, z.object({}).passthrough());
    await hall.submit(actorOf(p), (ctx, s) => deactivateEmergency(ctx, s));
    return c.json(body(p.role));
  });

  return app;
}
