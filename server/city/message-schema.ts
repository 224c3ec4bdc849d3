/**
 * What the city takes from a site's subjects (protocol/city.ts), checked before the read model sees it: a site's
 * credentials let it publish anything on its own subjects, and an event without a `seq` had the city ask for the
 * site's whole log, a 900 KB `number` was stored as is. A message that fails is dropped.
 */
import { z } from 'zod';
import { CITY_EVENT_TYPES, type CityEvent, type CitySiteInfo } from '../../protocol/city.js';

const id = z.string().min(1).max(100);
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const time = z.number().finite().nonnegative();

export const cityEventSchema = z
  .object({
    v: z.literal(1),
    site: id,
    seq: seq.min(1),
    prev: seq,
    epoch: time.optional(),
    catchUpTo: seq.optional(),
    src: id.optional(),
    at: time,
    sentAt: time.optional(),
    type: z.enum(CITY_EVENT_TYPES),
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    ticketId: id.optional(),
    number: z.string().max(16).optional(),
    serviceId: id.optional(),
    ticketStatus: z.string().max(32).optional(),
    serviceMs: time.optional(),
    counterId: id.optional(),
    status: z.enum(['closed', 'open', 'paused']).optional(),
    staffId: id.optional(),
    active: z.array(z.string().max(200)).max(100).optional(),
    playbookId: z.string().max(200).optional(),
  })
  .refine((e) => e.prev < e.seq, 'prev must come before seq') satisfies z.ZodType<CityEvent>;

export const citySiteInfoSchema = z.object({
  v: z.literal(1),
  site: id,
  name: z.string().min(1).max(200),
  kind: z.enum(['hall', 'point']),
  location: z.object({ lat: z.number(), lng: z.number() }).optional(),
}) satisfies z.ZodType<CitySiteInfo>;
