import type Router from '@koa/router';
import { z } from 'zod';
import { ChainError } from '../chain/errors.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { currentUser } from '../http/auth.ts';
import { dataUseOf } from './queries.ts';
import { RouteKit } from '../http/routeKit.ts';

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

export function dataUseRoutes(node: ModulePort): Router {
  const r = new RouteKit();
  const tables = new Map<string, boolean>();

  r.get('/me/data-use', { summary: 'The signed-in enterprise\'s data-use record (数据使用记录), newest first: dossier views of it, privacy questions about it, recorded audit looks at its records; ?limit=&offset=', roles: ['enterprise'] }, async (ctx) => {
    const q = PageQuery.safeParse(ctx.query);
    if (!q.success) throw new ChainError('BAD_PAGE', 'limit is 1 to 100 and offset 0 to 10000');
    const res = await dataUseOf(node, currentUser(ctx).id, q.data, tables);
    ctx.body = { ...res, limit: q.data.limit, offset: q.data.offset };
  });

  return r.router;
}
