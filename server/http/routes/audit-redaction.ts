/** Audit output never carries personal data: identity hashes and sealed fields are replaced before they leave. */

const HIDDEN = new Set(['identity', 'phoneSealed', 'nameSealed']);

export function redactForAudit(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactForAudit(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = HIDDEN.has(k) ? '[hidden]' : redactForAudit(v, depth + 1);
  return out;
}
