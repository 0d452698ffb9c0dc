import Router from '@koa/router';
import type { ModulePort } from '../../chain/modulePort.ts';
import { applicationRoutes } from './applicationRoutes.ts';
import { financeRoutes } from './financeRoutes.ts';
import { policyRoutes } from './policyRoutes.ts';
import { publicityRoutes } from './publicityRoutes.ts';
import { reviewRoutes } from './reviewRoutes.ts';
import { workRoutes } from './workRoutes.ts';

/** Every route of the module, mounted under /<dept>/api/payout. Each guards itself by role and scope. */
export function payoutRoutes(node: ModulePort): Router {
  const r = new Router();
  for (const part of [policyRoutes(node), applicationRoutes(node), reviewRoutes(node), publicityRoutes(node), financeRoutes(node), workRoutes(node)]) {
    r.use(part.routes(), part.allowedMethods());
  }
  return r;
}
