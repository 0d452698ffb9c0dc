import type { Context, Next } from 'koa';
import { ChainError } from '../chain/errors.ts';
import { isWellFormed } from '../chain/text.ts';

/** Deeper than any body a route takes (a transaction's payload nests a few levels). */
export const MAX_BODY_DEPTH = 32;

/** Keys that name an object's prototype machinery; `__proto__` itself the body parser refuses. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Where a value sits in the body, kept as links so a path is spelled out only for a refusal. */
type At = { parent: At | undefined; key: string | number } | undefined;
const pathOf = (at: At): string => {
  let out = '';
  for (let a = at; a; a = a.parent) out = (typeof a.key === 'number' ? `[${a.key}]` : `.${a.key}`) + out;
  return 'body' + out;
};

/**
 * Why a parsed JSON body is refused before any route sees it, or undefined. Walks the body
 * without recursion, so a body nested ten thousand levels deep costs a loop, not the stack.
 * Strings and keys must be well-formed Unicode: a lone surrogate has no UTF-8 form, so it can
 * be neither hashed, signed nor stored the same way on every node.
 */
export function bodyProblem(body: unknown): ChainError | undefined {
  const stack: [unknown, number, At][] = [[body, 0, undefined]];
  while (stack.length) {
    const [v, depth, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return illFormed(pathOf(at));
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_BODY_DEPTH) return new ChainError('TOO_DEEP', `${pathOf(at)}: the body nests deeper than ${MAX_BODY_DEPTH} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, { parent: at, key: i }]);
      continue;
    }
    for (const k of Object.keys(v)) {
      if (!isWellFormed(k)) return illFormed(`${pathOf(at)} key`);
      if (PROTOTYPE_KEYS.has(k)) return forbiddenKey(pathOf({ parent: at, key: k }));
      stack.push([(v as Record<string, unknown>)[k], depth + 1, { parent: at, key: k }]);
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

/**
 * Whether bodyProblem would find anything, without spelling out where: the same walk with no
 * allocation but its two stacks, since nearly every body (a batch of a thousand transactions,
 * say) passes, and only a refusal needs a path.
 */
function mayHoldProblem(body: unknown): boolean {
  const values: unknown[] = [body];
  const depths: number[] = [0];
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return true;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_BODY_DEPTH) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        values.push(v[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const k of Object.keys(v)) {
      if (!isWellFormed(k) || PROTOTYPE_KEYS.has(k)) return true;
      values.push((v as Record<string, unknown>)[k]);
      depths.push(depth + 1);
    }
  }
  return false;
}

/** Refuses a parsed JSON body that nests too deep, holds ill-formed text or prototype keys. */
export function bodyGuard() {
  return async (ctx: Context, next: Next) => {
    const body = ctx.request.body;
    if (typeof body === 'object' && body !== null && mayHoldProblem(body)) {
      const problem = bodyProblem(body);
      if (problem) throw problem;
    }
    await next();
  };
}
