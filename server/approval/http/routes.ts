import type Router from '@koa/router';
import { RouteKit } from '../../http/routeKit.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import type { PrivacyPort } from '../privacy.ts';
import { applicationRoutes } from './applicationRoutes.ts';
import { dossierRoutes } from './dossierRoutes.ts';
import { enterpriseRoutes } from './enterpriseRoutes.ts';
import { materialRoutes } from './materialRoutes.ts';
import { peerMaterialRoutes } from './peerMaterialRoutes.ts';
import { supervisionRoutes } from './supervisionRoutes.ts';
import { workRoutes } from './workRoutes.ts';

/** Every route of the module, mounted under /<dept>/api/approval. Each guards itself by role and scope. */
export function approvalRoutes(node: ModulePort, privacy: PrivacyPort): Router {
  return new RouteKit().mount(enterpriseRoutes(node), materialRoutes(node), peerMaterialRoutes(node), applicationRoutes(node, privacy), supervisionRoutes(node), dossierRoutes(node, privacy), workRoutes(node)).router;
}
