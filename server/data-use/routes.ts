import Router from '@koa/router';
import { z } from 'zod';
import { ChainError } from '../chain/errors.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { currentUser, requireRole } from '../http/auth.ts';
import { apiDocs } from '../http/openapi.ts';
import { dataUseOf } from './queries.ts';

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

export function dataUseRoutes(node: ModulePort): Router {
  const r = new Router();
  const tables = new Map<string, boolean>();

  apiDocs.add({
    method: 'get',
    path: '/{dept}/api/me/data-use',
    summary: 'The signed-in enterprise\'s data-use record (数据使用记录), newest first: dossier views of it, privacy questions about it, recorded audit looks at its records; ?limit=&offset=',
    roles: ['enterprise'],
  });
  r.get('/me/data-use', requireRole('enterprise'), async (ctx) => {
    const q = PageQuery.safeParse(ctx.query);
    if (!q.success) throw new ChainError('BAD_PAGE', 'limit is 1 to 100 and offset 0 to 10000');
    const res = await dataUseOf(node, currentUser(ctx).id, q.data, tables);
    ctx.body = { ...res, limit: q.data.limit, offset: q.data.offset };
  });

  return r;
}
