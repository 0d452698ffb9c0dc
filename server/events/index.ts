import type { Module } from '../chain/module.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { eventRoutes } from './routes.ts';
import { migrateFeed, projectFeed } from './feedTable.ts';
import { DEFAULT_POLICY, WebhookDispatcher, type DeliveryPolicy } from './webhookDispatcher.ts';
import { migrateWebhooks } from './webhookStore.ts';

/**
 * The department's event feed (server/events/README.md): domain events the department has a
 * basis for, projected in commit order with each block, read by long poll or server-sent
 * events, and pushed to the department's own systems by signed webhooks.
 */
export function eventFeedModule(o: { policy?: Partial<DeliveryPolicy>; now?: () => number } = {}): Module {
  let dispatcher: WebhookDispatcher | undefined;
  const ensure = (node: ModulePort): WebhookDispatcher => {
    if (!dispatcher) {
      const d = new WebhookDispatcher(node, { ...DEFAULT_POLICY, ...o.policy }, o.now);
      dispatcher = d;
      const off = node.onChange((what) => {
        if (what === 'final') d.kick();
        if (what === 'stopped') {
          off();
          d.stop();
        }
      });
      d.start();
    }
    return dispatcher;
  };
  return {
    name: 'events',
    async migrate(db) {
      await migrateFeed(db);
      await migrateWebhooks(db);
    },
    project: (trx, block, node) => projectFeed(trx, block, node),
    routes(node) {
      ensure(node);
      return eventRoutes(node, () => ensure(node));
    },
  };
}
