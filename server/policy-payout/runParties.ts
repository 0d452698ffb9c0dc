import type { ChainNode } from '../chain/node.ts';
import type { Party } from './bank/pain001.ts';
import type { AwardRecord, RunRecord } from './records.ts';
import { pk } from './stateKeys.ts';

/** The payees of a run's awards, from committed state (loaded in one batch). */
export async function runParties(node: ChainNode, run: RunRecord): Promise<Map<string, Party>> {
  const found = await node.store.getMany(run.items.map((i) => pk.award(i.award)));
  const out = new Map<string, Party>();
  for (const i of run.items) {
    const text = found.get(pk.award(i.award));
    if (text === undefined) continue;
    const a = JSON.parse(text) as AwardRecord;
    out.set(a.id, { code: a.code, payee: a.payee });
  }
  return out;
}
