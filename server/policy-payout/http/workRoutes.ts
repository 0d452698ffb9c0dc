import type Router from '@koa/router';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { workOf } from '../readModel/queries.ts';
import { RouteKit } from '../../http/routeKit.ts';


/** A person's home page: counts of what waits for them in policy payout. */
export function workRoutes(node: ModulePort): Router {
  const r = new RouteKit('/payout');

  r.get('/my-work', { summary: 'Counts for the caller\'s home page (to-dos, own cases, deadlines, notices), each with the portal list it links to.', roles: 'signedIn' }, async (ctx) => {
    ctx.body = { items: await workOf(node.db, currentUser(ctx), await node.headTime()) };
  });
  return r.router;
}
