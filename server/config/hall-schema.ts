/** The hall file's shape: services, counters, hours, calendar, policy and playbooks, validated with zod. */
import { z } from 'zod';
import { bothHolidayAndWorkday, workdaysAlsoHolidays } from '../domain/calendar.js';
import { isRealDate } from '../domain/clock.js';
import { isKnownTimeZone } from '../domain/zone-offsets.js';
import { NOTIFY_ROLES } from '../../protocol/staff.js';
import { SEVERITIES } from '../../protocol/hall.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:mm (00:00–24:00)');
const interval = z.tuple([clock, clock]).refine(([a, b]) => a < b, 'an opening interval must end after it starts');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(isRealDate, 'not a real date (YYYY-MM-DD)');
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'only letters, digits, dot, dash and underscore');

export const serviceSchema = z.object({
  id,
  prefix: z.string().regex(/^[A-Z]{1,2}$/, 'one or two capital letters'),
  name: z.string().min(1),
  nameEn: z.string().optional(),
  avgServiceMinutes: z.number().positive().max(480),
  deadlineWorkdays: z.number().int().positive().optional(),
  materials: z.array(z.string().min(1)).default([]),
  /** The appointment platform's code for this service (default: its id). */
  platformCode: z.string().min(1).max(64).optional(),
});

export const counterSchema = z.object({
  id,
  name: z.string().min(1),
  /** Groups of service ids in order of preference: the first non-empty group is served. */
  services: z.array(z.array(id).min(1)).min(1),
  tags: z.array(z.string()).default([]),
  greenLane: z.boolean().default(false),
  standby: z.boolean().default(false),
  /** A/B post (AB岗): usernames of the staff asked to take over when this counter is left with people waiting. */
  backupStaff: z.array(z.string().min(1).max(64)).max(10).default([]),
});

/** An automatic trigger either starts its playbook (`act`) or asks a manager first (`propose`). */
const mode = z.enum(['act', 'propose']).default('act');
const trigger = z.union([
  z.object({ manual: z.literal(true) }),
  z.object({
    device: z.string().min(1),
    event: z.string().min(1),
    when: z.record(z.string(), z.unknown()).optional(),
    /** Hysteresis for a device reading (a people counter): the playbook ends only once this holds. */
    release: z.record(z.string(), z.unknown()).optional(),
    mode,
  }),
  z.object({
    /** `arrivalsPer15MinOverCapacity`: tickets of the last 15 min over what the open counters serve in 15 min. */
    metric: z.enum(['waiting', 'longestWaitMinutes', 'waitingPerOpenCounter', 'arrivalsPer15MinOverCapacity']),
    above: z.number(),
    /** Ends (or stops proposing) only once the metric is at or below this (hysteresis); default `above`. */
    releaseBelow: z.number().optional(),
    /** The condition must hold this long before the trigger fires, and be released this long before it ends. */
    forSeconds: z.number().min(0).max(3600).default(0),
    mode,
  }),
  z.object({
    integration: z.enum(['registration', 'platform', 'sms']),
    downForMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(0),
    mode,
  }),
]);

const action = z.union([
  z.object({ banner: z.string().min(1) }),
  z.object({ announce: z.string().min(1), repeatEverySeconds: z.number().positive().optional() }),
  z.object({ issuing: z.enum(['normal', 'appointments-only', 'paused']) }),
  z.object({ openStandbyCounters: z.boolean() }),
  /** Whom to text and page when it starts: every manager, or the staff with that duty (docs/playbooks.md). */
  z.object({ notify: z.array(z.enum(NOTIFY_ROLES)) }),
  /** Fire evacuation: no calls, no-show and recall timers stopped, every ticket keeps its place. */
  z.object({ freezeQueue: z.boolean() }),
]);

export const playbookSchema = z.object({
  id,
  name: z.string().min(1),
  triggers: z.array(trigger).default([]),
  actions: z.array(action).default([]),
  /** Banners stack by severity: a life-safety one on top. */
  severity: z.enum(SEVERITIES).default('medium'),
  /** Staff must acknowledge it (the drill report says who did, and when). */
  acknowledge: z.boolean().default(false),
});

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const hallFileSchema = z
  .object({
    hall: z.object({
      id,
      name: z.string().min(1),
      nameEn: z.string().optional(),
      /** A hall, or a convenience point (便民服务点): a small hall file, one or two counters (docs/city.md). */
      kind: z.enum(['hall', 'point']).default('hall'),
      /** Where the site is (WGS-84 degrees): the kiosk and phone page list the city's other sites nearest first. */
      location: z
        .object({
          lat: z.number().min(-90, 'latitude is -90 to 90').max(90, 'latitude is -90 to 90'),
          lng: z.number().min(-180, 'longitude is -180 to 180').max(180, 'longitude is -180 to 180'),
        })
        .strict()
        .optional(),
      timezone: z.string().refine(isTimeZone, 'not an IANA time zone this machine knows'),
      languages: z.array(z.string()).default(['zh-CN']),
    }),
    hours: z.object({
      weekly: z.object(
        Object.fromEntries(weekdays.map((d) => [d, z.array(interval).default([])])) as Record<
          (typeof weekdays)[number],
          z.ZodDefault<z.ZodArray<typeof interval>>
        >,
      ),
      issueUntilMinutesBeforeClose: z.number().int().min(0).default(0),
      extendedServiceMinutes: z.number().int().min(0).default(0),
    }),
    calendar: z
      .object({
        note: z.string().optional(),
        holidays: z.array(isoDate).default([]),
        workdays: z.array(isoDate).default([]),
      })
      .default({ holidays: [], workdays: [] }),
    policy: z.object({
      priorityCreditMinutes: z
        .number()
        .min(0)
        .max(24 * 60),
      appointmentEarlyMinutes: z.number().int().min(0),
      appointmentLateMinutes: z.number().int().min(0),
      elderlyAge: z.number().int().min(0).max(150),
      maxTicketsPerIdentityPerDay: z.number().int().positive(),
      /**
       * Numbers one kiosk issues without an ID number in any minute. An ID holder has the daily limit above; without an
       * ID the kiosk is the only handle on one person taking the morning's first numbers to sell them (R3). 0: no limit.
       */
      kioskTicketsWithoutIdPerMinute: z.number().int().min(0).max(600).default(6),
      noShowGraceMinutes: z.number().int().min(0),
      /**
       * A called ticket can be marked a no-show only this long after its call: the holder's time to reach the window,
       * and what stops a clerk from "no-showing" the people before a friend within seconds.
       */
      noShowAfterSeconds: z.number().int().min(0).max(600).default(60),
      reinstatePenaltyPlaces: z.number().int().min(0),
      recallLimit: z.number().int().min(0),
      /** Length of an appointment slot (the grid the kiosk offers when today is full). */
      appointmentSlotMinutes: z.number().int().min(5).max(240).default(30),
      /** How many days ahead an appointment may be booked from a kiosk. */
      appointmentBookAheadDays: z.number().int().min(1).max(90).default(14),
      /** A ticket holder with a phone gets the `turn-near` SMS when this many people are left before them. */
      smsAhead: z.number().int().min(0).max(100).default(3),
      /** A/B post: a counter paused this long with people waiting asks its backup staff to take over. */
      backupAfterPausedMinutes: z.number().int().min(1).max(240).default(10),
    }),
    services: z.array(serviceSchema).min(1),
    counters: z.array(counterSchema).min(1),
    playbooks: z.array(playbookSchema).default([]),
  })
  .superRefine((hall, ctx) => {
    const serviceIds = new Set<string>();
    const prefixes = new Set<string>();
    hall.services.forEach((s, i) => {
      if (serviceIds.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `duplicate service id "${s.id}"` });
      if (prefixes.has(s.prefix))
        ctx.addIssue({ code: 'custom', path: ['services', i, 'prefix'], message: `duplicate prefix "${s.prefix}"` });
      serviceIds.add(s.id);
      prefixes.add(s.prefix);
    });
    const counterIds = new Set<string>();
    hall.counters.forEach((c, i) => {
      if (counterIds.has(c.id))
        ctx.addIssue({ code: 'custom', path: ['counters', i, 'id'], message: `duplicate counter id "${c.id}"` });
      counterIds.add(c.id);
      c.services.forEach((group, g) =>
        group.forEach((sid, k) => {
          if (!serviceIds.has(sid))
            ctx.addIssue({
              code: 'custom',
              path: ['counters', i, 'services', g, k],
              message: `unknown service "${sid}"`,
            });
        }),
      );
    });
    const { holidays, workdays } = hall.calendar;
    for (const i of workdaysAlsoHolidays(holidays, workdays))
      ctx.addIssue({ code: 'custom', path: ['calendar', 'workdays', i], message: bothHolidayAndWorkday(workdays[i]) });
    const playbookIds = new Set<string>();
    hall.playbooks.forEach((p, i) => {
      if (playbookIds.has(p.id))
        ctx.addIssue({ code: 'custom', path: ['playbooks', i, 'id'], message: `duplicate playbook id "${p.id}"` });
      playbookIds.add(p.id);
    });
  });

export type HallFile = z.infer<typeof hallFileSchema>;
export type ServiceDef = z.infer<typeof serviceSchema>;
export type CounterDef = z.infer<typeof counterSchema>;
export type PlaybookDef = z.infer<typeof playbookSchema>;
export type TriggerDef = z.infer<typeof trigger>;
export type Weekday = (typeof weekdays)[number];
export const WEEKDAYS = weekdays;

function isTimeZone(tz: string): boolean {
  return isKnownTimeZone(tz);
}
