/**
 * One HTTP call to an outside system: bearer token, a timeout, a bounded answer, and the outcome sorted into what the
 * adapters act on — answered, refused for good (4xx), or failed for now (no answer, timeout, 5xx, 401/403, 429, a
 * redirect).
 *
 * A redirect is never followed: the hall sends citizens' phones and messages to the URL its operator set, not to
 * wherever that system (or whoever answers in its place) points. A 2xx is the acknowledgement whatever its body: an
 * answer that is not JSON is `answered` without a body (an adapter that needs one finds it missing), or a gateway that
 * answers `200 OK` in plain text would be sent the same message again and again.
 */
export type OutsideOutcome =
  | { kind: 'answered'; status: number; body: unknown }
  /** A 4xx that retrying will not change: drop what was sent. */
  | { kind: 'refused'; status: number; error: string }
  /** Try again later: unreachable, slow, 5xx, an expired token, a malformed answer. */
  | { kind: 'failed'; status?: number; error: string };

export interface OutsideTarget {
  url: string;
  token?: string;
  timeoutMs: number;
  /** Aborted when the hall stops: a call under way ends at once instead of holding the stop up to its timeout. */
  stopping?: AbortSignal;
}

/** Answers larger than this are refused: an outside system cannot make the hall hold more. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** 401/403 are the hall's own credentials (a token expired): the messages are fine, so they wait, not drop. */
const retryable = (status: number) =>
  status >= 500 || status === 401 || status === 403 || status === 408 || status === 429;

export async function callOutside(
  target: OutsideTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<OutsideOutcome> {
  let res: Response;
  try {
    res = await fetch(target.url.replace(/\/+$/, '') + path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: target.stopping
        ? AbortSignal.any([AbortSignal.timeout(target.timeoutMs), target.stopping])
        : AbortSignal.timeout(target.timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    if (target.stopping?.aborted) return { kind: 'failed', error: 'not finished: the hall is stopping' };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return { kind: 'failed', error: `no answer within ${target.timeoutMs} ms` };
    return { kind: 'failed', error: `unreachable: ${withoutCredentials(e.message)}` };
  }
  // A network error that surfaced as a response (status 0) rather than a rejection.
  if (res.status === 0 || res.type === 'error') return { kind: 'failed', error: 'unreachable: network error' };
  let text: string;
  try {
    text = await boundedText(res);
  } catch (err) {
    if (target.stopping?.aborted) return { kind: 'failed', error: 'not finished: the hall is stopping' };
    return { kind: 'failed', status: res.status, error: `answer unreadable: ${(err as Error).message}` };
  }
  if (res.status >= 200 && res.status < 300) {
    if (text.trim() === '') return { kind: 'answered', status: res.status, body: undefined };
    try {
      return { kind: 'answered', status: res.status, body: JSON.parse(text) };
    } catch {
      return { kind: 'answered', status: res.status, body: undefined };
    }
  }
  if (res.status >= 300 && res.status < 400) {
    // Kept to try again: the operator sets the URL to where the system answers (the alert shows this error).
    const to = redirectOrigin(res.headers.get('location'), target.url);
    return { kind: 'failed', status: res.status, error: `HTTP ${res.status}: redirect${to} not followed` };
  }
  const error = `HTTP ${res.status}`;
  return retryable(res.status)
    ? { kind: 'failed', status: res.status, error }
    : { kind: 'refused', status: res.status, error };
}

async function boundedText(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw new Error(`larger than ${MAX_ANSWER_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** ` to <origin>` of a redirect's Location (never its path or query, which may carry anything), or ''. */
function redirectOrigin(location: string | null, base: string): string {
  if (!location) return '';
  try {
    return ` to ${new URL(location, base).origin}`;
  } catch {
    return '';
  }
}

/** An error's text with any `user:password@` of a URL in it masked: it is shown on the dashboard and logged. */
export function withoutCredentials(text: string): string {
  return text.replace(/(\/\/)[^/\s@]*@/g, '$1***@');
}
