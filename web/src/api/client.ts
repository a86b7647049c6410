// The API client: same-origin fetch with the Bearer key when one is set, and every non-2xx answer
// turned into an ApiError carrying the problem+json, so callers handle one error type.

import { ApiError, NetworkError, isAbort, toProblem } from './errors';
import { API_KEY_ITEM, readSetting } from '../settings';

export function authHeaders(): Record<string, string> {
  const key = readSetting(API_KEY_ITEM).trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** fetch on the API; resolves only for 2xx. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { Accept: 'application/json', ...authHeaders(), ...(init.headers as Record<string, string> | undefined) };
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new NetworkError();
  }
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    throw new ApiError(toProblem(res.status, res.statusText, body));
  }
  return res;
}

/** A JSON call: the body is sent as JSON, the answer parsed (204 gives undefined). */
export async function apiJson<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(path, {
    method,
    signal,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
