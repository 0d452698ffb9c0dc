import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { isChainError } from '../chain/errors.ts';

/**
 * The one place errors become responses: `{code, message}` with a 4xx for anything the
 * caller can fix, and a bare 500 (details only in the log) for anything else.
 */
export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { code: 'NOT_FOUND', message: `nothing at ${ctx.method} ${ctx.path}` };
      }
    } catch (err: any) {
      if (isChainError(err)) {
        ctx.status = err.status;
        ctx.body = { code: err.code, message: err.message, ...(err.data ? { data: err.data } : {}) };
      } else if (err instanceof ZodError) {
        const issue = err.issues[0];
        // a custom issue may name its own code (amounts, control characters)
        const own = issue.code === 'custom' ? (issue.params?.code as string | undefined) : undefined;
        ctx.status = 400;
        ctx.body = { code: own || 'BAD_REQUEST', message: `${issue.path.join('.') || 'body'}: ${issue.message}` };
      } else if (err?.type === 'entity.too.large' || err?.status === 413) {
        ctx.status = 413;
        ctx.body = { code: 'BODY_TOO_LARGE', message: 'the request body is larger than this endpoint accepts' };
      } else if (err?.type === 'entity.parse.failed' || (err?.status === 400 && /json/i.test(String(err?.message)))) {
        ctx.status = 400;
        ctx.body = { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' };
      } else if (typeof err?.status === 'number' && err.status < 500 && err.expose) {
        ctx.status = err.status;
        ctx.body = { code: err.code ?? 'BAD_REQUEST', message: err.message };
      } else {
        logger.error({ err, path: ctx.path }, 'request failed');
        ctx.status = 500;
        ctx.body = { code: 'INTERNAL', message: 'internal error; it has been logged' };
      }
    }
  };
}
