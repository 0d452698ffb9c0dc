import type { ChainNode } from '../chain/node.ts';
import type { Party } from './bank/pain001.ts';
import type { AwardRecord, RunRecord } from './records.ts';
import { pk } from './stateKeys.ts';

/** The payees of a run's awards, from committed state (loaded in one batch). */
export async function runParties(node: ChainNode, run: RunRecord): Promise<Map<string, Party>> {
  const keys = run.items.map((i) => pk.award(i.award));
  await node.store.prefetch(keys);
  const view = node.view();
  const out = new Map<string, Party>();
  for (const i of run.items) {
    const a = await view.get<AwardRecord>(pk.award(i.award));
    if (a) out.set(a.id, { code: a.code, payee: a.payee });
  }
  return out;
}
