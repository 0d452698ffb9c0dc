import type Router from '@koa/router';
import type { ModulePort } from '../chain/modulePort.ts';
import { RouteKit } from '../http/routeKit.ts';
import { feedRoutes } from './feedRoutes.ts';
import type { WebhookDispatcher } from './webhookDispatcher.ts';
import { webhookRoutes } from './webhookRoutes.ts';

/** The feed and its webhooks, mounted under /<dept>/api. */
export const eventRoutes = (node: ModulePort, dispatcher: () => WebhookDispatcher): Router => new RouteKit().mount(feedRoutes(node), webhookRoutes(node, dispatcher)).router;
