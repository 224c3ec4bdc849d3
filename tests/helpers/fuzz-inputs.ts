/**
 * fast-check inputs for fuzzing the hall's doors (HTTP bodies, WebSocket frames, MQTT payloads): arbitrary JSON,
 * the field names the hall's schemas read with values of every wrong type, and a few known-nasty texts.
 */
import fc from 'fast-check';

/** Field names the API and device schemas read, so fuzzed objects get past "unknown shape" into the checks. */
const FIELDS = [
  'serviceId',
  'ticketId',
  'idNumber',
  'phone',
  'priority',
  'priorityReason',
  'channel',
  'score',
  'comment',
  'reason',
  'category',
  'force',
  'accepted',
  'playbookId',
  'note',
  'drill',
  'username',
  'password',
  'name',
  'role',
  'id',
  'kind',
  'counterId',
  'kioskId',
  'slotStart',
  'slotEnd',
  'code',
  'text',
  'lang',
  'repeat',
  'paper',
  'cover',
  'error',
  'onBattery',
  'inside',
  'ok',
  'type',
  'since',
  'seq',
  'answer',
  '__proto__',
  'constructor',
  'prototype',
] as const;

/** Values that plausibly mean something to the hall, next to the wrong types. */
const PLAUSIBLE = fc.constantFrom<unknown>(
  'one-window',
  'mortgage',
  '1',
  '2',
  'A001',
  'power-outage',
  'urgent',
  'green',
  'priority',
  'normal',
  'counter',
  'manager',
  'kiosk',
  'printer',
  '110101199003070011',
  '2026-03-02T10:00:00+08:00',
  5,
  0,
  -1,
  true,
  false,
  null,
);

const NASTY_NUMBER = fc.constantFrom(
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  -0,
  1e-320,
  0.1 + 0.2,
  2 ** 53,
  -(2 ** 31) - 1,
);

const NASTY_STRING = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e\u200b',
    '𠜎'.repeat(100),
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    '\ud800',
    'null',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

const FIELD_VALUE: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: PLAUSIBLE },
  { weight: 2, arbitrary: NASTY_STRING },
  { weight: 2, arbitrary: NASTY_NUMBER },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** An object over the hall's field names with arbitrary values. */
export const hallishObject: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.constantFrom(...FIELDS),
  FIELD_VALUE,
  { maxKeys: 6 },
);

/** Text that is not what a JSON parser or a schema wants: deep nesting, prototype keys, broken and huge JSON. */
const NASTY_TEXT = fc.oneof(
  fc.integer({ min: 100, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.constantFrom(
    '{"__proto__":{"role":"manager","isAdmin":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"serviceId":"one-window","serviceId":"mortgage"}',
    '{"score":1e999}',
    '{"score":NaN}',
    '{',
    '',
    'null',
    '[]',
    '"string"',
    '\u0000\u0001\u0002',
    '{"a":"\\ud800"}',
  ),
  fc.string({ maxLength: 200 }),
);

/** Any body a client could send, as text. */
export const anyBodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hallishObject.map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: NASTY_TEXT },
);

/** URL-encoded text; a lone surrogate (which encodeURIComponent refuses) goes as its raw escape. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[^A-Za-z0-9]/g, (ch) => '%' + (ch.charCodeAt(0) & 0xff).toString(16).padStart(2, '0'));
  }
}

/** A path segment: plausible ids, arbitrary text, traversal and encoding tricks (already URL-encoded). */
export const pathSegment: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('1', '2', '99', 'x', '..', '%2e%2e', 't_unknown'),
    fc.string({ minLength: 1, maxLength: 80 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  )
  .map((s) => (s.startsWith('%') ? s : encode(s)));

/** A query string (with its '?', or empty). */
export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('from', 'to', 'limit', 'after', 'status', 'since', 'token', 'day', 'days', '__proto__'),
        fc.string({ maxLength: 10 }),
      ),
      fc.oneof(
        NASTY_STRING.map((s) => s.slice(0, 200)),
        NASTY_NUMBER.map(String),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&') : ''));

/** Fills each `:param` of a hono route path with the next of `segments` (or a default). */
export function fillPath(path: string, segments: string[]): string {
  let i = 0;
  return path.replace(/:[A-Za-z]+/g, () => segments[i++] ?? '1').replace(/\*$/, segments[i] ?? 'x');
}
