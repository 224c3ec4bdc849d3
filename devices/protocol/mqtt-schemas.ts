// Zod schemas for the MQTT payloads of mqtt-topics.ts: device → server (validated by the server), server → device (by the bridge).
import { z } from 'zod';
import { cleanJson } from './clean-text.js';
import {
  DEVICE_AVAILABILITY,
  PRESS_BUTTONS,
  type AckPayload,
  type AlarmEvent,
  type AnnounceCancelCommand,
  type AnnounceCommand,
  type CommandName,
  type CountEvent,
  type DeviceAvailability,
  type DeviceCommands,
  type DeviceEvents,
  type EventName,
  type GpioCommand,
  type PowerOffCommand,
  type PowerSaveCommand,
  type PowerEvent,
  type PressEvent,
  type PrintCommand,
  type RateCommand,
  type RateDesired,
  type RatingEvent,
  type ShowCommand,
  type ShowDesired,
  type StatusEvent,
} from './mqtt-topics.js';

/** A command or event id: 1–128 printable characters. */
export const messageIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

const eventBase = { id: messageIdSchema, at: z.iso.datetime({ offset: true }).optional() };

// Device → server --------------------------------------------------------------------------------------------

export const availabilitySchema = z.enum(DEVICE_AVAILABILITY) satisfies z.ZodType<DeviceAvailability>;

export const ackSchema = z.object({
  id: messageIdSchema,
  ok: z.boolean(),
  error: z.string().max(500).optional(),
}) satisfies z.ZodType<AckPayload>;

export const statusEventSchema = z.object({
  ...eventBase,
  paper: z.enum(['ok', 'low', 'out']),
  cover: z.enum(['closed', 'open']),
  error: z.string().max(200).nullable().optional(),
}) satisfies z.ZodType<StatusEvent>;

export const pressEventSchema = z.object({
  ...eventBase,
  button: z.enum(PRESS_BUTTONS),
}) satisfies z.ZodType<PressEvent>;

export const ratingEventSchema = z.object({
  ...eventBase,
  ticketId: z.string().min(1).max(128),
  score: z.number().int().min(1).max(5),
}) satisfies z.ZodType<RatingEvent>;

export const powerEventSchema = z.object({
  ...eventBase,
  onBattery: z.boolean(),
  batteryLow: z.boolean().optional(),
  minutesLeft: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
}) satisfies z.ZodType<PowerEvent>;

export const countEventSchema = z.object({
  ...eventBase,
  inside: z.number().int().min(0),
}) satisfies z.ZodType<CountEvent>;

export const alarmEventSchema = z.object({ ...eventBase, active: z.boolean() }) satisfies z.ZodType<AlarmEvent>;

/** Event name → schema. */
export const eventSchemas = {
  status: statusEventSchema,
  press: pressEventSchema,
  rating: ratingEventSchema,
  power: powerEventSchema,
  count: countEventSchema,
  alarm: alarmEventSchema,
} as const satisfies { [N in EventName]: z.ZodType<DeviceEvents[N]> };
const eventSchemaByName: { [N in EventName]: z.ZodType<DeviceEvents[N], unknown> } = eventSchemas;

// Server → device --------------------------------------------------------------------------------------------

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const printCommandSchema = z.object({
  id: messageIdSchema,
  ticketId: z.string().min(1).max(128),
  escpos: z.string().min(1).regex(BASE64, 'base64'),
}) satisfies z.ZodType<PrintCommand>;

export const showCommandSchema = z.object({
  id: messageIdSchema,
  lines: z.array(z.string().max(500)).max(32),
  blink: z.boolean().optional(),
}) satisfies z.ZodType<ShowCommand>;

export const announceCommandSchema = z.object({
  id: messageIdSchema,
  text: z.string().min(1).max(1000),
  lang: z.enum(['zh-CN', 'yue', 'en']),
  repeat: z.number().int().min(1).max(5).default(1),
  urgent: z.boolean().optional(),
  priority: z.number().int().min(0).max(9).optional(),
  tag: z.string().min(1).max(200).optional(),
}) satisfies z.ZodType<AnnounceCommand, unknown>;

export const announceCancelCommandSchema = z.object({
  id: messageIdSchema,
  tag: z.string().min(1).max(200),
}) satisfies z.ZodType<AnnounceCancelCommand>;

export const rateCommandSchema = z.object({
  id: messageIdSchema,
  ticketId: z.string().min(1).max(128),
}) satisfies z.ZodType<RateCommand>;

export const powerSaveCommandSchema = z.object({
  id: messageIdSchema,
  on: z.boolean(),
}) satisfies z.ZodType<PowerSaveCommand>;

export const powerOffCommandSchema = z.object({
  id: messageIdSchema,
  minutesLeft: z
    .number()
    .min(0)
    .max(24 * 60)
    .nullable(),
}) satisfies z.ZodType<PowerOffCommand>;

export const gpioCommandSchema = z.object({
  id: messageIdSchema,
  output: z.string().min(1).max(64),
  value: z.union([z.literal(0), z.literal(1)]),
  pulseMs: z.number().int().min(1).max(60_000).optional(),
}) satisfies z.ZodType<GpioCommand>;

/** Command name → schema. */
export const commandSchemas = {
  print: printCommandSchema,
  show: showCommandSchema,
  announce: announceCommandSchema,
  'announce-cancel': announceCancelCommandSchema,
  rate: rateCommandSchema,
  gpio: gpioCommandSchema,
  'power-save': powerSaveCommandSchema,
  'power-off': powerOffCommandSchema,
} as const satisfies { [N in CommandName]: z.ZodType<DeviceCommands[N], unknown> };
const commandSchemaByName: { [N in CommandName]: z.ZodType<DeviceCommands[N], unknown> } = commandSchemas;

export const showDesiredSchema = z.object({
  lines: z.array(z.string().max(500)).max(32),
  blink: z.boolean().optional(),
}) satisfies z.ZodType<ShowDesired>;

export const rateDesiredSchema = z.object({
  ticketId: z.string().min(1).max(128).nullable(),
}) satisfies z.ZodType<RateDesired>;

// Helpers ----------------------------------------------------------------------------------------------------

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** One line naming the first problem: `score: Too big: expected number to be <=5`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** JSON-decodes an MQTT payload, makes its text clean (clean-text.ts) and validates it. */
export function parseJsonPayload<T>(schema: z.ZodType<T, unknown>, payload: Uint8Array | string): ParseResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const clean = cleanJson(data);
  if (!clean.ok) return clean;
  const result = schema.safeParse(clean.value);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: describeZodError(result.error) };
}

/**
 * Validates the payload of `devices/<id>/evt/<name>`.
 * @example parseEventPayload('power', '{"id":"e1","onBattery":true}') // { ok: true, value: { id: 'e1', onBattery: true } }
 */
export function parseEventPayload<N extends EventName>(
  name: N,
  payload: Uint8Array | string,
): ParseResult<DeviceEvents[N]> {
  return parseJsonPayload(eventSchemaByName[name], payload);
}

/** Validates the payload of `devices/<id>/cmd/<name>`. */
export function parseCommandPayload<N extends CommandName>(
  name: N,
  payload: Uint8Array | string,
): ParseResult<DeviceCommands[N]> {
  return parseJsonPayload(commandSchemaByName[name], payload);
}

/** Reads `devices/<id>/status`: the bare text `online`/`offline` (a JSON string is tolerated); null otherwise. */
export function parseAvailability(payload: Uint8Array | string): DeviceAvailability | null {
  const text = (typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'))
    .trim()
    .replace(/^"(.*)"$/, '$1');
  const result = availabilitySchema.safeParse(text);
  return result.success ? result.data : null;
}
