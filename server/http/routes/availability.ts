/** GET /services/:id/availability (public): can a number taken now be served today, and the next free slot (R4). */
import { Hono } from 'hono';
import { availability, ticketCapacity, type Slot } from '../../domain/capacity.js';
import { positionOf } from '../../domain/eta.js';
import type { HallService } from '../../core/hall-service.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../middleware/auth.js';
import { readParam } from '../validation.js';

export function slotView(slot: Slot | null): { slotStart: string; slotEnd: string } | null {
  return slot ? { slotStart: new Date(slot.start).toISOString(), slotEnd: new Date(slot.end).toISOString() } : null;
}

function capacityInput(hall: HallService) {
  return { hallFile: hall.hallFile, now: hall.clock(), alwaysOpen: hall.alwaysOpen };
}

/** The `capacity` of a POST /tickets answer when the ticket's service cannot serve it today; undefined otherwise. */
export function capacityOfTicket(hall: HallService, ticketId: string) {
  const t = hall.state.tickets.get(ticketId);
  const pos = t ? positionOf(hall.hallFile, hall.state, t) : null;
  if (!t || !pos) return undefined;
  const c = ticketCapacity(capacityInput(hall), hall.state, t.serviceId, pos.ahead);
  return c ? { servesToday: false as const, nextSlot: slotView(c.nextSlot) } : undefined;
}

export function availabilityRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;

  // Public, like GET /hall: counts and times only, never personal data.
  app.get('/services/:id/availability', (c) => {
    const id = readParam(c, 'id');
    if (!hall.hallFile.services.some((s) => s.id === id))
      throw new ApiError(404, 'UNKNOWN_SERVICE', `no service "${id}" in this hall`);
    const a = availability(capacityInput(hall), hall.state, id);
    return c.json({ ...a, nextSlot: slotView(a.nextSlot) });
  });

  return app;
}
