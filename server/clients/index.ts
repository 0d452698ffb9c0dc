import type { Module } from '../chain/module.ts';
import { RouteKit } from '../http/routeKit.ts';
import { adminClientRoutes } from './adminClientRoutes.ts';
import { clientRoutes } from './clientRoutes.ts';
import { DEFAULT_RATE, RateLimiter, type RateRule } from './rateLimiter.ts';
import { migrateRefs } from './refStore.ts';

/**
 * Integration clients (system accounts, server/clients/README.md): the door where a
 * department's own systems submit their signed transactions once per reference, within a rate,
 * and fetch inclusion proofs; and the administrator's pages for them. The rules of what a client
 * may do are the chain's (server/chain/contracts/clients.ts, identity.ts), so they hold on every node.
 */
export function clientsModule(o: { rate?: RateRule } = {}): Module {
  const limiter = new RateLimiter(o.rate ?? DEFAULT_RATE);
  return {
    name: 'clients',
    migrate: (db) => migrateRefs(db),
    routes(node) {
      return new RouteKit().mount(clientRoutes(node, limiter), adminClientRoutes(node)).router;
    },
  };
}
