/** Reads and validates request input with zod; bad input is a 400 naming the field, and never reaches the domain. */
import type { Context } from 'hono';
import { z } from 'zod';
import { cleanJson } from '../../devices/protocol/clean-text.js';
import { mainlandMobile } from '../../protocol/staff.js';
import { ApiError } from './errors.js';
import { bodyText } from './request-body.js';

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Parses the JSON body against `schema`. Malformed JSON → 400 INVALID_JSON; wrong shape → 400 VALIDATION_FAILED. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await bodyText(c);
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'INVALID_JSON', 'the request body is not valid JSON');
    }
  }
  return parseClean(raw, schema);
}

/** Input made well-formed text without control characters (clean-text.ts), then validated by `schema`. */
function parseClean<S extends z.ZodType>(raw: unknown, schema: S): z.infer<S> {
  const clean = cleanJson(raw);
  if (!clean.ok) throw new ApiError(400, 'VALIDATION_FAILED', clean.error);
  const result = schema.safeParse(clean.value);
  if (!result.success) throw new ApiError(400, 'VALIDATION_FAILED', describe(result.error));
  return result.data;
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseClean(c.req.query(), schema);
}

export const idParam = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9._-]+$/, 'not a valid id');

export function readParam(c: Context, name: string): string {
  const v = c.req.param(name);
  const r = idParam.safeParse(v);
  if (!r.success) throw new ApiError(400, 'VALIDATION_FAILED', `${name}: ${r.error.issues[0].message}`);
  return r.data;
}

// Line breaks and tabs (the only controls clean-text lets through) and line/paragraph separators become spaces.
const BREAKS = /[\t\n\r\u2028\u2029]/g;
// Invisible format characters (zero-width space and joiners, bidi marks, soft hyphen, BOM): a reason made only of
// them is no reason, and bidi overrides would make a log line read differently from what it holds.
const FORMAT_CHARS = /\p{Cf}/gu;

/** Free text from people: one line, no invisible characters, trimmed, bounded. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.replace(BREAKS, ' ').replace(FORMAT_CHARS, '').trim());

/**
 * A mainland mobile (11 digits, 13x–19x; spaces, dashes and +86 allowed), given back as its 11 digits: what an SMS
 * can reach. The message never repeats the number.
 */
export const mobileField = z
  .string()
  .max(24)
  .transform((s, ctx) => {
    const mobile = mainlandMobile(s);
    if (mobile !== undefined) return mobile;
    ctx.addIssue({ code: 'custom', message: 'not a mainland mobile number (11 digits, 13x to 19x)' });
    return z.NEVER;
  });
