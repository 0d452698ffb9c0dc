import { z } from 'zod';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  roles?: string[];
  body?: z.ZodType;
}

/** Collects route descriptions so the OpenAPI document is built from the same zod schemas the routes use. */
export class ApiDocs {
  private readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc): void {
    this.routes.push(doc);
  }

  document(title: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const p = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      paths[p] ??= {};
      paths[p][r.method] = {
        summary: r.summary,
        ...(r.roles ? { description: `roles: ${r.roles.join(', ')}` } : {}),
        ...(r.body ? { requestBody: { content: { 'application/json': { schema: z.toJSONSchema(r.body, { unrepresentable: 'any' }) } } } } : {}),
        responses: { default: { description: 'JSON; errors are {code, message} with a 4xx or 5xx status' } },
      };
    }
    return { openapi: '3.1.0', info: { title, version: '1' }, paths };
  }
}

export const apiDocs = new ApiDocs();
