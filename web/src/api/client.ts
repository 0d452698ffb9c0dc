import { currentDept } from '../dept.ts';

/** Every failed request becomes one of these: the server's `{code, message}`, or our own for network faults. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/**
 * The ApiError for a refused request, from the server's `{code, message, data}` body when it sent
 * one. `data` says what stands after the refusal (how much of a bank statement was recorded before
 * it, say); without a body the status and `fallback` have to do.
 */
export function apiErrorFrom(status: number, body: unknown, fallback: string): ApiError {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  return new ApiError(status, typeof b.code === 'string' ? b.code : `HTTP_${status}`, typeof b.message === 'string' ? b.message : fallback, b.data);
}

/** The part of Web Storage the client needs, so tests can pass a Map-backed one. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ClientOptions {
  /** '' in the browser (same origin); `http://127.0.0.1:port` in node tests */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** where the CSRF token survives a reload; sessionStorage in the browser */
  store?: KeyValueStore;
  storeKey?: string;
}

/** An auditor's purpose (查阅目的): the one given in this tab, or a prompt for one. */
export interface PurposeSource {
  current(): string | undefined;
  ask(): Promise<string | undefined>;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Client = ReturnType<typeof createClient>;

/**
 * The one request client. It sends the session cookie, adds the CSRF token to state-changing
 * requests, and throws an ApiError on anything but a 2xx with a JSON body, so a caller never
 * goes on with `undefined`.
 */
export function createClient(o: ClientOptions = {}) {
  const doFetch = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const storeKey = o.storeKey ?? 'tongban.csrf';
  let csrf: string | null = o.store?.getItem(storeKey) ?? null;
  let onUnauthorized: ((e: ApiError) => void) | undefined;
  let refreshCsrf: (() => Promise<string | null>) | undefined;
  let purposes: PurposeSource | undefined;

  async function request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (UNSAFE.has(method) && csrf) headers['x-csrf-token'] = csrf;
    // An auditor's reads carry the purpose given in this tab; the server records each look with it.
    const purpose = method === 'GET' ? purposes?.current() : undefined;
    if (purpose) headers['x-audit-purpose'] = encodeURIComponent(purpose);
    let res: Response;
    try {
      res = await doFetch((o.baseUrl ?? '') + path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', `cannot reach the server (${(e as Error).message}); check the connection and retry`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = apiErrorFrom(res.status, json, `${method} ${path} failed with HTTP ${res.status} ${res.statusText}`.trim());
      if (res.status === 401 && err.code === 'UNAUTHENTICATED') onUnauthorized?.(err);
      // Another tab signed in again (a new session, a new token): ask for the current token and
      // try once more. A CSRF refusal means the server did nothing, so the retry is safe.
      if (res.status === 403 && err.code === 'CSRF' && refreshCsrf && !retried) {
        const token = await refreshCsrf().catch(() => null);
        if (token && token !== csrf) {
          setCsrfToken(token);
          return request<T>(method, path, body, true);
        }
      }
      // A page of others' records needs a purpose first: ask the auditor once, then read again.
      if (res.status === 400 && err.code === 'PURPOSE_REQUIRED' && method === 'GET' && purposes && !retried) {
        const given = await purposes.ask().catch(() => undefined);
        if (given) return request<T>(method, path, body, true);
      }
      throw err;
    }
    if (json === undefined) throw new ApiError(res.status, 'BAD_RESPONSE', `${method} ${path} returned no JSON body`);
    return json as T;
  }

  function setCsrfToken(token: string | null) {
    csrf = token;
    if (token) o.store?.setItem(storeKey, token);
    else o.store?.removeItem(storeKey);
  }

  return {
    request: <T>(method: string, path: string, body?: unknown) => request<T>(method, path, body),
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
    setCsrfToken,
    get csrfToken() {
      return csrf;
    },
    /** Called (before the throw) when the server says the session is gone, so the app can show the login page. */
    onUnauthorized(fn: (e: ApiError) => void) {
      onUnauthorized = fn;
    },
    /** Where an auditor's purpose comes from (undefined for everyone else): sent with reads, asked for when a read needs one. */
    usePurposes(source: PurposeSource | undefined) {
      purposes = source;
    },
    /** How to learn the session's current token (`/auth/me`) when the server says ours is stale. */
    onCsrfRefused(fn: () => Promise<string | null>) {
      refreshCsrf = fn;
    },
  };
}

const session = (globalThis as { sessionStorage?: KeyValueStore }).sessionStorage;

/** The portal's client; each department has its own session, so its own CSRF token. */
export const client = createClient({ store: session, storeKey: `tongban.csrf.${currentDept}` });

/** `/auth/me` → `/<dept>/api/auth/me` for this page's department. */
export const deptApi = (path: string, dept = currentDept) => `/${dept}/api${path}`;
