import type Router from '@koa/router';
import { RouteKit } from '../../http/routeKit.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { applicationRoutes } from './applicationRoutes.ts';
import { financeRoutes } from './financeRoutes.ts';
import { policyRoutes } from './policyRoutes.ts';
import { publicityRoutes } from './publicityRoutes.ts';
import { reviewRoutes } from './reviewRoutes.ts';
import { workRoutes } from './workRoutes.ts';

/** Every route of the module, mounted under /<dept>/api/payout. Each guards itself by role and scope. */
export function payoutRoutes(node: ModulePort): Router {
  return new RouteKit().mount(policyRoutes(node), applicationRoutes(node), reviewRoutes(node), publicityRoutes(node), financeRoutes(node), workRoutes(node)).router;
}
