import type { Context, Next } from 'koa';
import { ChainError } from '../chain/errors.ts';
import { isWellFormed } from '../chain/text.ts';

/** Deeper than any body a route takes (a transaction's payload nests a few levels). */
export const MAX_BODY_DEPTH = 32;

/** Keys that name an object's prototype machinery; `__proto__` itself the body parser refuses. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Why a parsed JSON body is refused before any route sees it, or undefined. Walks the body
 * without recursion, so a body nested ten thousand levels deep costs a loop, not the stack.
 * Strings and keys must be well-formed Unicode: a lone surrogate has no UTF-8 form, so it can
 * be neither hashed, signed nor stored the same way on every node.
 */
export function bodyProblem(body: unknown): ChainError | undefined {
  const stack: [unknown, number, string][] = [[body, 0, 'body']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return illFormed(path);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_BODY_DEPTH) return new ChainError('TOO_DEEP', `${path}: the body nests deeper than ${MAX_BODY_DEPTH} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, `${path}[${i}]`]);
      continue;
    }
    for (const k of Object.keys(v)) {
      if (!isWellFormed(k)) return illFormed(`${path} key`);
      if (PROTOTYPE_KEYS.has(k)) return forbiddenKey(`${path}.${k}`);
      stack.push([(v as Record<string, unknown>)[k], depth + 1, `${path}.${k}`]);
    }
  }
  return undefined;
}

const illFormed = (path: string) =>
  new ChainError('ILL_FORMED_TEXT', `${path}: text must be well-formed Unicode (a lone UTF-16 surrogate such as \\ud800 has no UTF-8 form)`);

export const forbiddenKey = (path: string) =>
  new ChainError('FORBIDDEN_KEY', `${path}: the keys __proto__, constructor and prototype are not accepted in a request body`);

/**
 * What the body parser's failures mean to the caller (passed as its `onError`): every one is
 * about the bytes sent, so each is a 4xx with its own code, never a 500.
 */
export function refuseBody(err: any): never {
  const status = typeof err?.status === 'number' ? err.status : undefined;
  if (err?.type === 'entity.too.large' || status === 413) {
    throw new ChainError('BODY_TOO_LARGE', 'the request body is larger than this endpoint accepts', { status: 413 });
  }
  if (status === 415 || err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
    throw new ChainError('UNSUPPORTED_ENCODING', `the body's content or character encoding is not supported: ${String(err?.message ?? '').slice(0, 80)}`, { status: 415 });
  }
  if (err instanceof SyntaxError && /prototype/.test(err.message)) throw forbiddenKey('body');
  if (err instanceof SyntaxError || err?.type === 'entity.parse.failed') throw new ChainError('MALFORMED_JSON', 'the request body is not valid JSON');
  // zlib's codes: a body declared gzip, deflate or br that is not
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) throw new ChainError('BAD_CONTENT_ENCODING', 'the body is not valid data for its Content-Encoding');
  throw new ChainError('BAD_BODY', 'the request body could not be read', { status: status && status >= 400 && status < 500 ? status : 400 });
}

/** Refuses a parsed JSON body that nests too deep, holds ill-formed text or prototype keys. */
export function bodyGuard() {
  return async (ctx: Context, next: Next) => {
    const problem = bodyProblem(ctx.request.body);
    if (problem) throw problem;
    await next();
  };
}
