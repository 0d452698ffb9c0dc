import type { Module } from './chain/module.ts';
import { creditFromAnswer } from './approval/credit/standing.ts';
import { approvalModule } from './approval/index.ts';
import { clientsModule } from './clients/index.ts';
import { dataUseModule } from './data-use/index.ts';
import { eventFeedModule } from './events/index.ts';
import { importsModule } from './imports/index.ts';
import { privacyModule, privacyPort, type KeysProgressSource } from './privacy-query/index.ts';
import { payoutModule } from './policy-payout/index.ts';

/**
 * The domain modules every node runs. Each node gets its own instances, since a module may
 * keep per-node caches. Registering a module here is all it takes to add its contracts,
 * read models and routes to every department's node.
 */
export function createModules(o: { keysProgress?: KeysProgressSource } = {}): Module[] {
  // Proof-backed answers feed tax and social-insurance standing into the credit score.
  return [approvalModule({ privacy: privacyPort }), privacyModule({ onAnswered: creditFromAnswer, keysProgress: o.keysProgress }), payoutModule(), dataUseModule(), eventFeedModule(), importsModule(), clientsModule()];
}
