/** Reads and validates request input with zod; bad input is a 400 naming the field, and never reaches the domain. */
import type { Context } from 'hono';
import { z } from 'zod';
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
  const result = schema.safeParse(raw);
  if (!result.success) throw new ApiError(400, 'VALIDATION_FAILED', describe(result.error));
  return result.data;
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) throw new ApiError(400, 'VALIDATION_FAILED', describe(result.error));
  return result.data;
}

export const idParam = z.string().min(1).max(80).regex(/^[A-Za-z0-9._-]+$/, 'not a valid id');

export function readParam(c: Context, name: string): string {
  const v = c.req.param(name);
  const r = idParam.safeParse(v);
  if (!r.success) throw new ApiError(400, 'VALIDATION_FAILED', `${name}: ${r.error.issues[0].message}`);
  return r.data;
}

/** Free text from people: trimmed, bounded, no control characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim());
