/** Appointments: booked by a manager or the online platform, checked in at the kiosk. */
import { Hono } from 'hono';
import { z } from 'zod';
import { cancelAppointment, createAppointment } from '../../domain/decide/appointments.js';
import { checkIn } from '../../domain/decide/tickets.js';
import { appointmentView, ticketView } from '../../core/views.js';
import { DomainError } from '../../domain/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { actorOf, requireRole, type AppEnv } from '../middleware/auth.js';
import { idParam, mobileField, readBody, readParam, text } from '../validation.js';
import { CheckInThrottle } from './check-in-throttle.js';
import { channelField, idNumberField } from './tickets.js';
import { auditRead } from '../query-trail.js';

const instant = z
  .string()
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-25T09:00:00+08:00' });

const createBody = z.object({
  serviceId: idParam,
  slotStart: instant,
  slotEnd: instant,
  idNumber: idNumberField,
  name: text(64).optional(),
  phone: mobileField.optional(),
});
/** A kiosk books the slot it was offered, with an optional ID number (R4). */
const kioskCreateBody = createBody.extend({ idNumber: idNumberField.optional() });

const checkInBody = z
  // New codes have ten digits; six-digit codes booked before stay valid.
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6,12}$/, 'a code of 6 to 12 digits')
      .optional(),
    idNumber: idNumberField.optional(),
    channel: channelField.optional(),
  })
  .refine((b) => !!b.code !== !!b.idNumber, 'give either code or idNumber');

export function appointmentRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const { hall } = deps;
  const codeGuesses = new CheckInThrottle();

  app.post('/appointments', async (c) => {
    const p = requireRole(c, 'manager', 'integration', 'kiosk');
    const b = await readBody(c, p.role === 'kiosk' ? kioskCreateBody : createBody);
    const d = await hall.submit(actorOf(p), (ctx, s) =>
      createAppointment(ctx, s, { ...b, slotStart: Date.parse(b.slotStart), slotEnd: Date.parse(b.slotEnd) }),
    );
    return c.json({ appointment: appointmentView(hall.state.appointments.get(d.appointmentId!)!) }, 201);
  });

  app.get('/appointments', (c) => {
    const p = requireRole(c, 'manager', 'counter');
    const appointments = [...hall.state.appointments.values()]
      .sort((a, b) => a.slotStart - b.slotStart)
      .map(appointmentView);
    auditRead(deps, p, { resource: 'appointments', rows: appointments.length });
    return c.json({ appointments });
  });

  // POST /appointments/check-in, registered as a parameter: hono's RegExpRouter cannot hold a literal segment beside
  // a parameter (`check-in` beside `:id/cancel`), and one such pair puts every request of the hall on the slower
  // TrieRouter (tests/api/router.test.ts; docs/benchmarks.md, fifth round). Any other value is the usual 404.
  app.post('/appointments/:id', async (c) => {
    if (c.req.param('id') !== 'check-in') return c.notFound();
    const p = requireRole(c, 'kiosk', 'counter', 'manager');
    const b = await readBody(c, checkInBody);
    const isDevice = p.kind === 'device';
    if (b.code) {
      const waitMs = codeGuesses.retryAfterMs(p.id, isDevice, hall.clock());
      if (waitMs > 0)
        throw new ApiError(
          429,
          'TOO_MANY_ATTEMPTS',
          `too many unknown appointment codes; try again in ${Math.ceil(waitMs / 1000)} s, or check in with the ID number`,
          {
            retryAfterSeconds: Math.ceil(waitMs / 1000),
          },
        );
    }
    const d = await hall
      .submit(actorOf(p), (ctx, s) =>
        checkIn(ctx, s, { code: b.code, idNumber: b.idNumber, channel: b.channel ?? p.role }),
      )
      .catch((err: unknown) => {
        if (b.code && err instanceof DomainError && err.code === 'UNKNOWN_APPOINTMENT')
          codeGuesses.failed(p.id, isDevice, hall.clock());
        throw err;
      });
    const ticket = ticketView(hall.hallFile, hall.state, hall.state.tickets.get(d.ticketId!)!, { verifyCode: true });
    // As for POST /tickets: where the kiosk's ticket was printed, or that it was not (then the screen shows it).
    const print = p.role === 'kiosk' ? (deps.devices?.printDecisionFor?.(d.ticketId!) ?? null) : undefined;
    return c.json(
      {
        ticket,
        late: ticket.late ?? false,
        appointment: appointmentView(hall.state.appointments.get(d.appointmentId!)!),
        print,
      },
      201,
    );
  });

  app.post('/appointments/:id/cancel', async (c) => {
    const p = requireRole(c, 'manager', 'integration');
    const id = readParam(c, 'id');
    await hall.submit(actorOf(p), (ctx, s) => cancelAppointment(ctx, s, id));
    return c.json({ appointment: appointmentView(hall.state.appointments.get(id)!) });
  });

  return app;
}
