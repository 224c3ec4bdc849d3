/**
 * The city's directives as zod checks them: on the city's POST /city/directives and again at each site before it
 * applies one (a site trusts nothing it reads). Hall-file amendments are closed: a year's calendar, a service's
 * materials; bounded so a directive cannot make the hall hold much.
 */
import { z } from 'zod';
import {
  ANNOUNCEMENT_MAX_CHARS,
  ANNOUNCEMENT_MAX_MS,
  type CityDirective,
  type HallAmendment,
} from '../../protocol/city.js';
import { SEVERITIES } from '../../protocol/hall.js';
import { bothHolidayAndWorkday, workdaysAlsoHolidays } from '../domain/calendar.js';
import { isRealDate } from '../domain/clock.js';

const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'only letters, digits, dot, dash and underscore (1–64)');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(isRealDate, 'not a real date (YYYY-MM-DD)');

const calendarAmendment = z
  .object({
    kind: z.literal('calendar'),
    year: z.number().int().min(2000).max(2099),
    holidays: z.array(day).max(60),
    workdays: z.array(day).max(30),
  })
  .strict()
  .superRefine((a, ctx) => {
    const outside = [...a.holidays, ...a.workdays].find((d) => !d.startsWith(`${a.year}-`));
    if (outside) ctx.addIssue({ code: 'custom', message: `${outside} is not in ${a.year}` });
    for (const i of workdaysAlsoHolidays(a.holidays, a.workdays))
      ctx.addIssue({ code: 'custom', path: ['workdays', i], message: bothHolidayAndWorkday(a.workdays[i]) });
  });

const materialsAmendment = z
  .object({
    kind: z.literal('materials'),
    serviceId: id,
    materials: z.array(z.string().trim().min(1).max(200)).max(40),
  })
  .strict();

export const hallAmendmentSchema: z.ZodType<HallAmendment> = z.discriminatedUnion('kind', [
  calendarAmendment,
  materialsAmendment,
]);

const announcementText = z
  .string()
  .trim()
  .min(1)
  .max(ANNOUNCEMENT_MAX_CHARS, `at most ${ANNOUNCEMENT_MAX_CHARS} characters`);
const severity = z.enum(SEVERITIES);
/** An announcement's directive id (the city's UUID): what `announcement.end` names. */
const announcementId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'an announcement id (letters, digits, dash)');

/** Every request's note and the sites it is for (all when absent). */
const routing = { note: z.string().max(200).optional(), sites: z.array(id).max(500).optional() };

/** What the city's sender may ask for (the city adds `v`, `id` and `at`; `until` an ISO time, checked by the route). */
export const directiveRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.enum(['playbook.activate', 'playbook.deactivate']),
    playbookId: id,
    ...routing,
  }),
  z.object({
    kind: z.literal('hall.amend'),
    amendment: hallAmendmentSchema,
    ...routing,
  }),
  z
    .object({
      kind: z.literal('announcement'),
      text: announcementText,
      severity: severity.default('high'),
      until: z.iso.datetime({ offset: true }).optional(),
      ...routing,
    })
    .strict(),
  z
    .object({
      kind: z.literal('announcement.end'),
      id: announcementId,
      ...routing,
    })
    .strict(),
  /** The city's operators may ask sites to send their logs again (the city also asks by itself on a gap). */
  z.object({ kind: z.literal('site.resend'), ...routing }).strict(),
]);

/** When an announcement ends: `until` if given (later than now, at most 7 days on), else 24 hours on; or a refusal. */
export function announcementUntil(until: string | undefined, now: number): number | string {
  if (until === undefined) return now + 24 * 3600_000;
  const at = Date.parse(until);
  if (!(at > now)) return 'until: must be in the future';
  if (at > now + ANNOUNCEMENT_MAX_MS) return 'until: at most 7 days from now';
  return at;
}

/** What every directive a site reads carries. */
const header = {
  v: z.literal(1),
  id: z.string().min(1).max(100),
  at: z.number(),
  note: z.string().max(200).optional(),
};

/** A directive as a site reads it from its consumer. */
export const cityDirectiveSchema: z.ZodType<CityDirective> = z.discriminatedUnion('kind', [
  z.object({ ...header, kind: z.enum(['playbook.activate', 'playbook.deactivate']), playbookId: id }),
  z.object({ ...header, kind: z.literal('hall.amend'), amendment: hallAmendmentSchema }),
  z.object({
    ...header,
    id: announcementId,
    kind: z.literal('announcement'),
    text: announcementText,
    severity,
    until: z.number(),
  }),
  z.object({ ...header, kind: z.literal('announcement.end'), announcementId }),
  z.object({ ...header, kind: z.literal('site.resend'), after: z.number().int().min(0).optional() }),
]);
