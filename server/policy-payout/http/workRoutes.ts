import Router from '@koa/router';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { workOf } from '../readModel/queries.ts';
import { doc } from './common.ts';

/** A person's home page: counts of what waits for them in policy payout. */
export function workRoutes(node: ModulePort): Router {
  const r = new Router({ prefix: '/payout' });

  doc('get', '/my-work', 'Counts for the caller\'s home page (to-dos, own cases, deadlines, notices), each with the portal list it links to.');
  r.get('/my-work', requireRole(), async (ctx) => {
    ctx.body = { items: await workOf(node.db, currentUser(ctx), await node.headTime()) };
  });
  return r;
}
