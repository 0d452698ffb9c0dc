import { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'delete';

/** One route as its router documents it: the same zod schemas the route parses with. */
export interface RouteDoc {
  method: Method;
  /** the route's path in the router's syntax (`/applications/:id`), prefixes included */
  path: string;
  summary: string;
  /** the roles that may call it; 'signedIn' for anyone with a session; absent for anyone at all */
  roles?: readonly string[] | 'signedIn';
  body?: z.ZodType;
  query?: z.ZodObject;
  /** schemas of path parameters that are more than a string */
  params?: Record<string, z.ZodType>;
  response?: z.ZodType;
  /** the success status when it is not 200 */
  status?: number;
}

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { unrepresentable: 'any', io }) as Record<string, unknown>;

const ErrorBody = z.object({ code: z.string(), message: z.string(), data: z.unknown().optional() });

/** `/a/:id` to OpenAPI's `/a/{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The parameters of one route: its path parameters, then its query's fields. */
function parametersOf(d: RouteDoc): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [, name] of d.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    out.push({ name, in: 'path', required: true, schema: d.params?.[name] ? json(d.params[name], 'input') : { type: 'string' } });
  }
  for (const [name, field] of Object.entries(d.query?.shape ?? {})) {
    const f = field as z.ZodType;
    const { description, ...schema } = json(f, 'input');
    out.push({ name, in: 'query', required: !f.safeParse(undefined).success, schema, ...(description ? { description } : {}) });
  }
  return out;
}

/** An OpenAPI 3.1 document of the routes given, from their zod schemas. */
export function openApiDocument(title: string, docs: readonly RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of docs) {
    const p = openApiPath(d.path);
    paths[p] ??= {};
    const parameters = parametersOf(d);
    const ok = String(d.status ?? 200);
    paths[p][d.method] = {
      summary: d.summary,
      ...(Array.isArray(d.roles) ? { description: `roles: ${d.roles.join(', ')}`, 'x-roles': d.roles } : {}),
      ...(d.roles ? { security: [{ session: [] }] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(d.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(d.body, 'input') } } } } : {}),
      responses: {
        [ok]: d.response ? { description: 'OK', content: { 'application/json': { schema: json(d.response, 'output') } } } : { description: 'OK' },
        default: { description: 'An error: a 4xx the caller can fix, or a 5xx', content: { 'application/json': { schema: json(ErrorBody, 'output') } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title, version: '1' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tb_session_{dept}', description: 'the department node\'s session cookie of /auth/login or /auth/enterprise; writes also send x-csrf-token' } } },
    paths,
  };
}
