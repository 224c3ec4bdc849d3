/**
 * The hall's playbooks (contract v2): several may be active; a manager starts or ends each one, confirms or dismisses
 * what a trigger proposes; staff acknowledge the ones that ask for it.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  acknowledgePlaybook,
  activatePlaybook,
  deactivatePlaybook,
  escalateDrill,
} from '../../domain/decide/emergency.js';
import { activePlaybooks } from '../../domain/playbooks.js';
import { refuse } from '../../domain/errors.js';
import { audienceOf } from '../../core/views.js';
import { activePlaybookView, playbooksStateView } from '../../core/playbook-views.js';
import type { Proposal } from '../../core/proposal-book.js';
import { standbyCalls } from '../../core/standby-views.js';
import type { ApiDeps } from '../deps.js';
import { catchUpRoutes } from './catch-up.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { freeText } from '../free-text.js';
import { idParam, readBody, readParam } from '../validation.js';

const activateBody = z.object({ playbookId: idParam, note: freeText(300).optional(), drill: z.boolean().optional() });
/** `playbookId` may be left out by v1 clients while exactly one playbook is active. */
const deactivateBody = z.object({ playbookId: idParam.optional() });
const acknowledgeBody = z.object({ playbookId: idParam });

const iso = (ms: number) => new Date(ms).toISOString();

export function proposalView(p: Proposal) {
  return {
    id: p.id,
    playbookId: p.playbookId,
    cause: { ...p.cause },
    proposedAt: iso(p.proposedAt),
    expiresAt: iso(p.expiresAt),
  };
}

export function emergencyRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall, proposals } = deps;
  const body = (role?: string) => {
    const audience = audienceOf(role);
    return {
      ...playbooksStateView(hall.state, audience),
      // Only managers answer proposals (the confirm and dismiss routes are theirs): nobody else is shown them.
      proposals: role === 'manager' ? (proposals?.list().map(proposalView) ?? []) : [],
      // Standby counters an active playbook wants open, and whom to ask (usernames): staff only.
      standby: audience === 'staff' ? standbyCalls(hall.hallFile, hall.state) : [],
      // How long each outside system has been down (registration system, platform, SMS): staff only.
      outages:
        audience === 'staff'
          ? (deps.outages?.() ?? []).map((o) => ({ system: o.system, since: iso(o.since), minutes: o.minutes }))
          : [],
      playbooks: hall.hallFile.playbooks.map((p) => ({
        id: p.id,
        name: p.name,
        severity: p.severity,
        mustAcknowledge: p.acknowledge,
        triggers: p.triggers,
        actions: p.actions,
      })),
    };
  };

  app.get('/emergency', (c) => c.json(body(c.get('principal')?.role)));

  app.post('/emergency/activate', async (c) => {
    const p = requireRole(c, 'manager');
    const b = await readBody(c, activateBody);
    await hall.submit(actorOf(p), (ctx, s) =>
      activatePlaybook(ctx, s, {
        playbookId: b.playbookId,
        note: b.note,
        drill: b.drill,
        cause: { by: 'manager', userId: p.id },
      }),
    );
    // A manager starting what a trigger proposed answers the proposal too.
    const withdrawn = proposals?.withdraw(b.playbookId);
    if (withdrawn)
      hall.audit(actorOf(p), {
        type: 'playbook.proposal_closed',
        data: { proposalId: withdrawn.id, playbookId: withdrawn.playbookId, outcome: 'confirmed' },
      });
    return c.json(body(p.role));
  });

  app.post('/emergency/deactivate', async (c) => {
    const p = requireRole(c, 'manager');
    const b = await readBody(c, deactivateBody);
    await hall.submit(actorOf(p), (ctx, s) =>
      deactivatePlaybook(ctx, s, { playbookId: b.playbookId, reason: 'manager' }),
    );
    return c.json(body(p.role));
  });

  app.get('/emergency/drills', (c) => {
    requireRole(c, 'manager');
    return c.json({ drills: deps.drillReports?.() ?? [] });
  });

  app.post('/emergency/acknowledge', async (c) => {
    const p = requireRole(c, 'manager', 'counter');
    const b = await readBody(c, acknowledgeBody);
    await hall.submit(actorOf(p), (ctx, s) => acknowledgePlaybook(ctx, s, b.playbookId));
    const active = hall.state.playbooks?.find((x) => x.playbookId === b.playbookId);
    return c.json({ playbook: active ? activePlaybookView(active, 'staff') : null });
  });

  /** Confirm starts the proposed playbook with the trigger's cause; dismiss drops it. Both audited. */
  for (const outcome of ['confirm', 'dismiss'] as const) {
    app.post(`/emergency/proposals/:id/${outcome}`, async (c) => {
      const p = requireRole(c, 'manager');
      const id = readParam(c, 'id');
      const proposal = proposals?.take(id);
      if (!proposal) throw refuse.notFound('UNKNOWN_PROPOSAL', `no open proposal ${id} (it may have expired)`);
      const actor = actorOf(p);
      hall.audit(actor, {
        type: 'playbook.proposal_closed',
        data: {
          proposalId: proposal.id,
          playbookId: proposal.playbookId,
          outcome: outcome === 'confirm' ? 'confirmed' : 'dismissed',
        },
      });
      if (outcome === 'confirm')
        await hall.submit(actor, (ctx, s) => {
          const cmd = { playbookId: proposal.playbookId, cause: proposal.cause };
          // Proposed during a drill of the same playbook: the real incident replaces the drill.
          const drill = activePlaybooks(s).some((x) => x.playbookId === cmd.playbookId && x.drill);
          return drill ? escalateDrill(ctx, s, cmd) : activatePlaybook(ctx, s, cmd);
        });
      return c.json(body(p.role));
    });
  }

  // Registration system down: finishing as "pending system" and the catch-up list live beside the playbooks.
  app.route('/', catchUpRoutes(deps));
  return app;
}
