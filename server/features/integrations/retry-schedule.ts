/** When to try a failed send again: exponential backoff from `baseMs`, doubling per attempt, never past `maxMs`. */
export function backoffMs(attempts: number, baseMs = 30_000, maxMs = 30 * 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}
