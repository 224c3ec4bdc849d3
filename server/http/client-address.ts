/** The caller's network address (for login throttling), or "unknown" when the runtime does not say. */
import type { Context } from 'hono';

export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
