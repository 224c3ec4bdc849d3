/** Audit output never carries personal data: identity hashes and sealed fields are replaced before they leave. */

/** Identity hashes, and every sealed field (phone, name, address, …): by the name's ending, so a new one is never missed. */
const hidden = (key: string) => key === 'identity' || key.endsWith('Sealed');

export function redactForAudit(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactForAudit(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = hidden(k) ? '[hidden]' : redactForAudit(v, depth + 1);
  return out;
}
