/**
 * The province's appointment platform as HallQ sees it (contract v2): its wire shapes with their zod schemas, and the
 * two calls — bookings since a cursor, and an event about a booking. Nothing outside this folder knows these shapes.
 */
import { z } from 'zod';
import { mainlandMobile } from '../../../../protocol/staff.js';
import { callOutside, type OutsideOutcome, type OutsideTarget } from '../outside-call.js';

const instant = z.string().datetime({ offset: true });

/** One booking as the platform sends it; each is checked on its own, so one bad booking never stops the page. */
export const bookingSchema = z.object({
  bookingId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/),
  code: z
    .string()
    .trim()
    .regex(/^\d{6,12}$/, 'a code of 6 to 12 digits'),
  serviceCode: z.string().min(1).max(64),
  slotStart: instant,
  slotEnd: instant,
  idNumber: z.string().trim().min(1).max(32),
  name: z.string().trim().min(1).max(64).optional(),
  // A number no SMS can reach is dropped, not the booking: the reminder is lost, the appointment kept.
  phone: z
    .string()
    .optional()
    .transform((p) => (p === undefined ? undefined : mainlandMobile(p))),
  status: z.enum(['booked', 'cancelled']),
  updatedAt: instant,
});
export type PlatformBooking = z.infer<typeof bookingSchema>;

/** A page: the bookings are checked one by one (`unknown` here), the cursor is opaque. */
export const bookingPageSchema = z.object({
  bookings: z.array(z.unknown()).max(10_000),
  cursor: z.string().max(4096).optional(),
});

export type BookingEventType = 'checked-in' | 'no-show' | 'served';

export type PageOutcome =
  { ok: true; bookings: unknown[]; cursor?: string } | { ok: false; error: string; status?: number };

export class PlatformApi {
  constructor(
    private readonly target: OutsideTarget,
    private readonly hallId: string,
  ) {}

  /** GET /halls/{hallId}/bookings?since={cursor}: one page; an empty list means caught up. */
  async bookingsSince(cursor: string | undefined): Promise<PageOutcome> {
    const query = cursor === undefined ? '' : `?since=${encodeURIComponent(cursor)}`;
    const out = await callOutside(this.target, 'GET', `/halls/${encodeURIComponent(this.hallId)}/bookings${query}`);
    if (out.kind !== 'answered') return { ok: false, error: out.error, status: out.status };
    if (out.body === undefined) return { ok: false, error: 'malformed answer: no JSON body', status: out.status };
    const page = bookingPageSchema.safeParse(out.body);
    if (!page.success) return { ok: false, error: `malformed answer: ${page.error.issues[0]?.message ?? 'invalid'}` };
    return { ok: true, bookings: page.data.bookings, cursor: page.data.cursor };
  }

  /** POST /halls/{hallId}/bookings/{bookingId}/events {type, at}: 2xx is the acknowledgement. */
  sendEvent(bookingId: string, type: BookingEventType, at: number): Promise<OutsideOutcome> {
    const path = `/halls/${encodeURIComponent(this.hallId)}/bookings/${encodeURIComponent(bookingId)}/events`;
    return callOutside(this.target, 'POST', path, { type, at: new Date(at).toISOString() });
  }
}
