import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import type { Party } from './bank/pain001.ts';
import { openPayee } from '../payeeSeal.ts';
import type { AwardRecord, RunRecord } from '../records.ts';
import { pk } from '../stateKeys.ts';

/**
 * The payees of a run's awards, from committed state (loaded in one batch), their accounts opened
 * with this node's keys: outside contract code, on the finance office's node (and the policy
 * department's), so the file is what it was when the accounts were plaintext. A node that is not
 * a recipient cannot make the file and says so.
 */
export async function runParties(node: ModulePort, run: RunRecord): Promise<Map<string, Party>> {
  const found = await node.getMany(run.items.map((i) => pk.award(i.award)));
  const out = new Map<string, Party>();
  for (const i of run.items) {
    const text = found.get(pk.award(i.award));
    if (text === undefined) continue;
    const a = JSON.parse(text) as AwardRecord;
    const payee = await openPayee(a.payee, node.keyring).catch(() => undefined);
    if (!payee) throw new ChainError('SEALED_PAYEE', `the payee accounts are sealed to the finance office and the policy department; ${node.dept}'s node cannot open award ${a.id}'s, so it cannot make the payment file`, { status: 409 });
    out.set(a.id, { code: a.code, payee });
  }
  return out;
}
