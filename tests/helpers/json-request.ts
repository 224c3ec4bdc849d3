/** The request and answer shapes the test API clients share: a JSON request with a bearer token, a parsed answer. */
import type { ApiResponse } from './test-hall.js';

/** RequestInit for a JSON call (a string body is sent as is) with an optional bearer token. */
export function jsonRequest(
  method: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** The status and the body, parsed as JSON when it is JSON. */
export async function readAnswer<T>(res: Response): Promise<ApiResponse<T>> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T };
}
