import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import compress from 'koa-compress';
import type { Logger } from 'pino';
import type { ChainNode } from '../chain/node.ts';
import type { Metrics } from '../chain/metrics.ts';
import { chainRoutes } from '../chain/http/chainRoutes.ts';
import { AuthService, sessionMiddleware } from './auth.ts';
import { adminRoutes } from './adminRoutes.ts';
import { auditRoutes } from './auditRoutes.ts';
import { authRoutes } from './authRoutes.ts';
import { bodyGuard, refuseBody } from './bodyGuard.ts';
import { errorMiddleware } from './errorMiddleware.ts';
import { openApiDocument, type RouteDoc } from './openapi.ts';
import { docsOf, RouteKit } from './routeKit.ts';

export interface AppOptions {
  nodes: ChainNode[];
  auths: Map<string, AuthService>;
  logger: Logger;
  metrics: Metrics;
  /** extra middleware mounted last (the portal's static files) */
  extra?: Koa.Middleware[];
  /** behind one TLS proxy: the client address (sign-in limits) is the one the proxy appends to X-Forwarded-For */
  trustProxy?: boolean;
}

/**
 * One HTTP app for one or more department nodes. Each department lives under `/<dept>/api`,
 * so the embedded mode (all departments in one process) and the cluster (one each) expose
 * the same paths.
 */
export function createApp(o: AppOptions): Koa {
  const app = new Koa(o.trustProxy ? { proxy: true, maxIpsCount: 1 } : { proxy: false });
  // Clients that go away mid-response (a closed tab, a dropped event stream) are routine.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (['ERR_STREAM_PREMATURE_CLOSE', 'EPIPE', 'ECONNRESET'].includes(err.code ?? '')) return;
    o.logger.error({ err }, 'unhandled HTTP error');
  });
  app.use(errorMiddleware(o.logger));
  // The portal's scripts compress to about a quarter; event streams opt out in sse.ts.
  app.use(compress({ threshold: 1024 }));
  app.use(bodyParser({ jsonLimit: '8mb', enableTypes: ['json'], encoding: 'utf-8', onError: refuseBody }));
  app.use(bodyGuard());

  // The document is this app's: built from the routers it mounts, once for the department paths.
  const docs: RouteDoc[] = [];
  const root = new RouteKit();
  root.get('/health', { summary: 'Whether every node of this process runs (503 when one has halted), with heights.', roles: 'public' }, async (ctx) => {
    const halted = o.nodes.filter((n) => n.isHalted).map((n) => n.dept);
    ctx.status = halted.length ? 503 : 200;
    ctx.body = { ok: halted.length === 0, halted, nodes: o.nodes.map((n) => ({ dept: n.dept, height: n.height, finalHeight: n.finalHeight })) };
  });
  root.get('/metrics', { summary: 'Prometheus metrics of the process.', roles: 'public' }, async (ctx) => {
    ctx.type = o.metrics.registry.contentType;
    ctx.body = await o.metrics.registry.metrics();
  });
  root.get('/openapi.json', { summary: 'This document.', roles: 'public' }, (ctx) => {
    ctx.body = openApiDocument('Tongban 通办 node API', docs);
  });
  root.get('/api/departments', { summary: 'The departments this process serves, with their names.', roles: 'public' }, (ctx) => {
    ctx.body = o.nodes.map((n) => ({ dept: n.dept, name: n.genesis.members.find((m) => m.dept === n.dept)?.name, nameEn: n.genesis.members.find((m) => m.dept === n.dept)?.nameEn }));
  });
  app.use(root.router.routes()).use(root.router.allowedMethods());
  docs.push(...docsOf(root.router));

  for (const node of o.nodes) {
    const auth = o.auths.get(node.dept)!;
    const r = new RouteKit(`/${node.dept}/api`);
    r.router.use(sessionMiddleware(auth));
    r.mount(authRoutes(auth), chainRoutes(node), adminRoutes(node, auth, o.metrics), auditRoutes(node), ...node.modules.flatMap((m) => (m.routes ? [m.routes(node.modulePort())] : [])));
    app.use(r.router.routes()).use(r.router.allowedMethods());
    if (node === o.nodes[0]) docs.push(...docsOf(r.router).map((d) => ({ ...d, path: d.path.replace(`/${node.dept}/`, '/{dept}/') })));
  }
  for (const m of o.extra ?? []) app.use(m);
  return app;
}
