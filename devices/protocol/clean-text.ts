/**
 * Text entering the hall from outside (HTTP bodies and queries, MQTT payloads), made safe to decide on before any
 * schema sees it: every string well-formed Unicode (a lone surrogate becomes U+FFFD, as a UTF-8 decoder would make
 * it), and no control character but tab, line feed and carriage return (refused: no field of the hall means one).
 */

export type CleanResult = { ok: true; value: unknown } | { ok: false; error: string };

// C0 controls but \t \n \r, DEL, and the C1 controls.
const REFUSED_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, which our lib target lacks). */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

/** Why `s` is refused, or undefined when it may pass (after `wellFormed`). */
function refusal(s: string): string | undefined {
  return REFUSED_CONTROL.test(s) ? 'control characters are not allowed' : undefined;
}

/** Deeper than any message of the hall nests; also keeps the walk's recursion far from the stack's end. */
const MAX_DEPTH = 32;

/**
 * Cleans decoded JSON in place: lone surrogates replaced, control characters refused (in keys too).
 * @example cleanJson({ reason: 'x\ud800' }) // { ok: true, value: { reason: 'x\ufffd' } }
 */
export function cleanJson(value: unknown, path = '', depth = 0): CleanResult {
  if (typeof value === 'string') {
    const why = refusal(value);
    if (why) return { ok: false, error: path ? `${path}: ${why}` : why };
    return { ok: true, value: wellFormed(value) };
  }
  if (value === null || typeof value !== 'object') return { ok: true, value };
  if (depth >= MAX_DEPTH) return { ok: false, error: `nested deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const r = cleanJson(value[i], `${path}[${i}]`, depth + 1);
      if (!r.ok) return r;
      value[i] = r.value;
    }
    return { ok: true, value };
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const at = path ? `${path}.${key}` : key;
    // A key no schema names is dropped by the schema; one that is not clean text is refused outright.
    if (wellFormed(key) !== key || refusal(key))
      return { ok: false, error: `${wellFormed(at)}: not a valid field name` };
    const r = cleanJson(obj[key], at, depth + 1);
    if (!r.ok) return r;
    if (r.value !== obj[key]) obj[key] = r.value;
  }
  return { ok: true, value };
}
