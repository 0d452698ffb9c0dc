import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { ChainError } from '../chain/errors.ts';
import type { Role } from '../chain/schema.ts';
import type { SessionUser } from '../../shared/sessionUser.ts';
import { currentUser, requireRole } from './auth.ts';
import type { Method, RouteDoc } from './openapi.ts';

/**
 * Parses input with a zod schema; a failure is a 400 whose code says what is wrong. Issues that
 * carry their own code (amounts: NEGATIVE_AMOUNT, FRACTIONAL_AMOUNT, AMOUNT_TOO_LARGE, ...) keep it.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where = 'body', invalid = 'BAD_REQUEST'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const code = (issue.code === 'custom' && (issue.params?.code as string | undefined)) || invalid;
  throw new ChainError(code, `${[where, ...issue.path].join('.')}: ${issue.message}`);
}

/** A 404 that names what is missing. */
export const notFound = (what: string) => new ChainError('NOT_FOUND', `no such ${what}`, { status: 404 });

/** The value, or a 404 naming what is missing. */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw notFound(what);
  return value;
}

/** `?limit=` rows from `?offset=`: short lists page so; long ones also take a cursor (`?after=`, cursor.ts). */
export const paging = (max = 200, dflt = 50) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(max).default(dflt),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  });

type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, string>;

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteSpec<B extends z.ZodType | undefined = undefined, Q extends z.ZodObject | undefined = undefined> {
  summary: string;
  /** the roles that may call it, 'signedIn' for any session, 'public' for anyone */
  roles: readonly Role[] | 'signedIn' | 'public';
  body?: B;
  query?: Q;
  params?: Record<string, z.ZodType>;
  response?: z.ZodType;
  status?: number;
  /** the code of a 400 for a body or query its schema refuses (BAD_REQUEST when absent; an issue's own code wins) */
  invalid?: string;
  /** middleware run after the role check and before the body is parsed */
  before?: Middleware[];
  /** a check run instead of the roles' (a client's signed request, or a session in one of them); the roles stay documented */
  guard?: Middleware;
}

export interface RouteInput<P extends string, B, Q> {
  params: PathParams<P>;
  body: B;
  query: Q;
  /** the signed-in user (undefined only on public routes) */
  user: SessionUser;
}

export type Handler<P extends string, B, Q> = (ctx: Context, input: RouteInput<P, B, Q>) => unknown;

const DOCS = new WeakMap<Router, RouteDoc[]>();

/** The routes a router documents, prefixes included (empty for a router no kit built). */
export const docsOf = (router: Router): readonly RouteDoc[] => DOCS.get(router) ?? [];

type Register = <P extends string, B extends z.ZodType | undefined = undefined, Q extends z.ZodObject | undefined = undefined>(path: P, spec: RouteSpec<B, Q>, handler: Handler<P, Infer<B>, Infer<Q>>) => RouteKit;

/**
 * Builds a Koa router that documents each route it registers, from the schemas the route parses
 * with: the roles (checked here), the body and query (parsed here; a failure is a 400 with a
 * code), the path parameters, the response. A handler's return value, when not undefined, is the
 * response body. The docs belong to the router built (`docsOf`); `mount` carries a part's docs
 * into its parent, so two platforms in one process never share one document.
 */
export class RouteKit {
  readonly router: Router;
  private readonly docs: RouteDoc[] = [];

  constructor(private readonly prefix = '') {
    this.router = new Router(prefix ? { prefix } : {});
    DOCS.set(this.router, this.docs);
  }

  readonly get: Register = (path, spec, handler) => this.route('get', path, spec, handler as Handler<string, unknown, unknown>);
  readonly post: Register = (path, spec, handler) => this.route('post', path, spec, handler as Handler<string, unknown, unknown>);
  readonly put: Register = (path, spec, handler) => this.route('put', path, spec, handler as Handler<string, unknown, unknown>);
  readonly delete: Register = (path, spec, handler) => this.route('delete', path, spec, handler as Handler<string, unknown, unknown>);

  /** Mounts other routers here, with their docs. */
  mount(...parts: Router[]): this {
    for (const p of parts) {
      this.router.use(p.routes(), p.allowedMethods());
      this.docs.push(...docsOf(p).map((d) => ({ ...d, path: this.prefix + d.path })));
    }
    return this;
  }

  private route(method: Method, path: string, spec: RouteSpec<z.ZodType | undefined, z.ZodObject | undefined>, handler: Handler<string, unknown, unknown>): this {
    const { summary, roles, body, query, params, response, status } = spec;
    // the router serves a prefix's '/' as the prefix itself
    this.docs.push({ method, path: path === '/' && this.prefix ? this.prefix : this.prefix + path, summary, ...(roles === 'public' ? {} : { roles }), body, query, params, response, status });
    const guard: Middleware[] = spec.guard ? [spec.guard] : roles === 'public' ? [] : [requireRole(...(roles === 'signedIn' ? [] : roles))];
    const run: Middleware = async (ctx) => {
      const input = {
        params: (ctx as Context & { params: Record<string, string> }).params,
        query: query ? parseWith(query, ctx.query, 'query', spec.invalid) : undefined,
        // no body at all reads as {}: a body of optional fields may be left out
        body: body ? parseWith(body, ctx.request.body ?? {}, 'body', spec.invalid) : undefined,
        user: roles === 'public' || spec.guard ? (ctx.state.user as SessionUser) : currentUser(ctx),
      } as RouteInput<string, unknown, unknown>;
      const out = await handler(ctx, input);
      if (out !== undefined) ctx.body = out;
      if (status && ctx.status === 200) ctx.status = status;
    };
    this.router[method](path, ...guard, ...(spec.before ?? []), run);
    return this;
  }
}

/** A path parameter, for helpers shared by several routes (a handler gets them as `params`). */
export const pathParam = (ctx: Context, name: string): string => String((ctx as Context & { params?: Record<string, string> }).params?.[name] ?? '');
